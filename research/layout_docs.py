"""Made-up documents in the layouts real ones use, written for eval/layouts (issue 24): two
accident reports in the NTSB final-report layout (two captioned fields a line, values wrapped
beside their captions), two trial protocols (a title page of fields, a synopsis table of
"label | paragraph" rows, numbered criteria) and two earnings-call transcripts (speaker labels
on lines of their own, prepared remarks, questions and answers, guidance). Every company,
person, drug and figure is invented.

    .venv/bin/python research/layout_docs.py eval/layouts
"""

import sys
from pathlib import Path

from fpdf import FPDF

OUT = Path(".")


def doc():
    d = FPDF(format="Letter")
    d.set_auto_page_break(True, 20)
    d.set_margins(18, 18)
    d.add_page()
    return d


def two(d, pairs):
    for a, b in pairs:
        y = d.get_y()
        bottom = y + 5
        for x, (lab, val) in ((18, a), (112, b)):
            if lab is None:
                continue
            d.set_xy(x, y)
            d.set_font("Helvetica", "B", 9)
            d.multi_cell(38, 5, lab + ":")
            lb = d.get_y()
            d.set_xy(x + 40, y)
            d.set_font("Helvetica", "", 9)
            d.multi_cell(50 if x == 18 else 46, 5, val)
            bottom = max(bottom, lb, d.get_y())
        d.set_y(bottom + 1)


def one(d, lab, val):
    d.set_font("Helvetica", "B", 9)
    d.cell(45, 5, lab + ":")
    d.set_font("Helvetica", "", 9)
    d.multi_cell(0, 5, val)
    d.ln(1)


def head(d, t, size=12):
    d.ln(2)
    d.set_font("Helvetica", "B", size)
    d.cell(0, 7, t)
    d.ln(8)


def para(d, t):
    d.set_font("Helvetica", "", 10)
    d.multi_cell(0, 5, t)
    d.ln(2)


def ntsb(name, f):
    d = doc()
    d.set_font("Helvetica", "B", 16)
    d.cell(0, 10, "Aviation Investigation Final Report")
    d.ln(12)
    two(
        d,
        [
            (("Location", f["loc"]), ("Accident Number", f["num"])),
            (("Date & Time", f["date"]), ("Registration", f["reg"])),
            (("Aircraft", f["ac"]), ("Aircraft Damage", f["damage"])),
            (("Defining Event", f["event"]), ("Injuries", f["inj"])),
        ],
    )
    one(d, "Flight Conducted Under", f["under"])
    head(d, "Analysis")
    para(d, f["analysis"])
    head(d, "Probable Cause and Findings")
    para(
        d,
        "The National Transportation Safety Board determines the probable cause(s) of this accident to be:",
    )
    para(d, f["cause"])
    head(d, "Findings", 10)
    for a, b in f["findings"]:
        d.set_font("Helvetica", "", 9)
        d.cell(50, 5, a)
        d.cell(0, 5, b)
        d.ln(6)
    d.add_page()
    head(d, "Factual Information")
    head(d, "History of Flight", 10)
    for a, b in f["history"]:
        d.set_font("Helvetica", "", 9)
        d.cell(60, 5, a)
        d.cell(0, 5, b)
        d.ln(6)
    para(d, f["factual"])
    head(d, "Pilot Information", 10)
    two(d, f["pilot"])
    head(d, "Aircraft and Owner/Operator Information", 10)
    two(d, f["aircraft"])
    head(d, "Meteorological Information and Flight Plan", 10)
    two(d, f["weather"])
    head(d, "Wreckage and Impact Information", 10)
    two(d, f["wreck"])
    head(d, "Administrative Information", 10)
    one(d, "Investigator In Charge (IIC)", f["iic"])
    one(d, "Report Date", f["rdate"])
    d.output(str(OUT / "reports" / name))


def pdf(name, title, subtitle, blocks, participants):
    d = FPDF(format="Letter")
    d.set_auto_page_break(True, 20)
    d.set_margins(20, 20)
    d.add_page()
    d.set_font("Helvetica", "B", 15)
    d.multi_cell(0, 8, title)
    d.ln(2)
    d.set_font("Helvetica", "", 10)
    d.multi_cell(0, 5, subtitle)
    d.ln(4)
    for kind, text in blocks:
        if kind == "h":
            d.ln(2)
            d.set_font("Helvetica", "B", 12)
            d.multi_cell(0, 6, text)
            d.ln(2)
        elif kind == "s":
            d.set_font("Helvetica", "B", 10)
            d.multi_cell(0, 5, text)
            d.ln(1)
        else:
            d.set_font("Helvetica", "", 10)
            d.multi_cell(0, 5, text)
            d.ln(3)
    d.ln(2)
    d.set_font("Helvetica", "B", 12)
    d.multi_cell(0, 6, "Call participants:")
    d.ln(2)
    d.set_font("Helvetica", "", 10)
    for p in participants:
        d.multi_cell(0, 5, p)
        d.ln(2)
    d.output(str(OUT / "calls" / name))


PART = [
    "Maya Chen -- Head of Investor Relations",
    "Daniel Ortiz -- Chairman and Chief Executive Officer",
    "Priya Raman -- Chief Financial Officer",
    "Leo Hart -- Senior Vice President, Product",
    "Keith Moss -- Boreal Securities -- Analyst",
    "Sara Lind -- Northgate Capital -- Analyst",
    "Tom Becker -- Fjord Partners -- Analyst",
]


def call(q, fy, period_end, vals):
    v = vals
    return [
        ("h", "Prepared Remarks:"),
        ("s", "Operator"),
        (
            "p",
            f"Good day, and welcome to the Glacier Data {q} fiscal {fy} earnings conference call. At this time, all participants are in a listen-only mode. I would now like to turn the call over to Maya Chen, Head of Investor Relations. Please go ahead.",
        ),
        ("s", "Maya Chen -- Head of Investor Relations"),
        (
            "p",
            f"Good afternoon, and thank you for joining us on Glacier Data's {q} fiscal {fy} earnings call. With me are Daniel Ortiz, our Chairman and Chief Executive Officer; Priya Raman, our Chief Financial Officer; and Leo Hart, our Senior Vice President of Product. During today's call, we will make forward-looking statements, including statements related to our guidance for the fourth quarter and the full fiscal year {fy}. These statements are subject to risks and uncertainties. With that, I'll turn the call over to Daniel.",
        ),
        ("s", "Daniel Ortiz -- Chairman and Chief Executive Officer"),
        (
            "p",
            f"Thanks, Maya, and good afternoon, everyone. {q} product revenue was ${v['rev']} million, representing {v['growth']}% year-over-year growth. Remaining performance obligations were ${v['rpo']} billion. We now have {v['big']} customers with trailing 12-month product revenue greater than $1 million.",
        ),
        (
            "p",
            f"Let me spend a few minutes on our industry verticals. This quarter, our fastest-growing verticals were {v['verticals']}. {v['vnote']}",
        ),
        (
            "p",
            f"Turning to Streamline, our platform for building data applications. {v['streamline']} Customers told us that Streamline lets a small team ship an application in days rather than months, and we see it as a long-term driver of consumption.",
        ),
        (
            "p",
            "On the competitive front, we continue to win against legacy on-premise vendors, and our win rates were stable in the quarter. With that, I'll hand it over to Priya.",
        ),
        ("s", "Priya Raman -- Chief Financial Officer"),
        (
            "p",
            f"Thank you, Daniel. Product gross margin was {v['gm']}%. Operating margin was {v['om']}%. Adjusted free cash flow was ${v['fcf']} million. We ended the quarter with ${v['cash']} billion in cash, cash equivalents, short-term and long-term investments.",
        ),
        (
            "p",
            f"Our net revenue retention rate was {v['nrr']}% as of {period_end}. We added {v['newcust']} net new customers in the quarter, bringing our total customer count to {v['cust']}.",
        ),
        (
            "p",
            f"Now let's turn to guidance. For the fourth quarter, we expect product revenue between ${v['g_lo']} million and ${v['g_hi']} million, representing year-over-year growth between {v['g_glo']}% and {v['g_ghi']}%. We expect operating margin of {v['g_om']}%. With that, operator, please open the line for questions.",
        ),
        ("h", "Questions & Answers:"),
        ("s", "Operator"),
        (
            "p",
            "Thank you. Our first question comes from the line of Keith Moss with Boreal Securities. Please go ahead.",
        ),
        ("s", "Keith Moss -- Boreal Securities -- Analyst"),
        (
            "p",
            "Great, thank you for taking the question. Daniel, can you talk about what you saw in consumption trends through the quarter, and whether the optimizations you called out last quarter have eased?",
        ),
        ("s", "Daniel Ortiz -- Chairman and Chief Executive Officer"),
        ("p", f"{v['consumption']}"),
        ("s", "Operator"),
        ("p", "Our next question comes from Sara Lind with Northgate Capital."),
        ("s", "Sara Lind -- Northgate Capital -- Analyst"),
        (
            "p",
            "Thanks. Priya, how should we think about margins going into next year, given the investments you are making in Streamline?",
        ),
        ("s", "Priya Raman -- Chief Financial Officer"),
        ("p", f"{v['margins']}"),
        ("s", "Operator"),
        ("p", "Our last question comes from Tom Becker with Fjord Partners."),
        ("s", "Tom Becker -- Fjord Partners -- Analyst"),
        (
            "p",
            "Leo, what are customers building on Streamline, and what conclusions have you drawn from the early adopters?",
        ),
        ("s", "Leo Hart -- Senior Vice President, Product"),
        ("p", f"{v['streamline_q']}"),
        ("s", "Operator"),
        (
            "p",
            "This concludes today's conference call. Thank you for participating. You may now disconnect.",
        ),
    ]


A = dict(
    rev="334.4",
    growth="67",
    rpo="1.8",
    big="206",
    verticals="financial services, media and advertising, and healthcare and life sciences",
    vnote="Financial services remains our largest vertical, and media and advertising grew fastest as customers moved their measurement workloads to us.",
    streamline="We completed the acquisition of Streamline this quarter and are integrating it into the platform.",
    gm="75",
    om="2",
    fcf="61",
    cash="3.9",
    nrr="173",
    newcust="362",
    cust="6,322",
    g_lo="372",
    g_hi="377",
    g_glo="55",
    g_ghi="57",
    g_om="1",
    consumption="Consumption was strong across the quarter. We did see some customers optimize their storage, but those optimizations were smaller than in prior quarters and did not change the trajectory of the business.",
    margins="We expect to continue to expand margins next year. The Streamline investment is largely in engineering headcount, and we will pace hiring against revenue growth.",
    streamline_q="It is early. Customers are building internal dashboards and customer-facing applications on Streamline. The conclusion from our early adopters is that Streamline cuts the time to build a data application from months to days, and that applications built on it drive more consumption on the platform.",
)
B = dict(
    rev="698.5",
    growth="34",
    rpo="3.7",
    big="436",
    verticals="retail and consumer goods, technology, and manufacturing",
    vnote="Retail and consumer goods led new bookings, while technology customers expanded their largest workloads.",
    streamline="Streamline is now generally available, and more than 10,000 developers have built applications with it.",
    gm="78",
    om="10",
    fcf="81",
    cash="4.4",
    nrr="135",
    newcust="436",
    cust="9,437",
    g_lo="716",
    g_hi="721",
    g_glo="29",
    g_ghi="30",
    g_om="4",
    consumption="Consumption trends were stable through the quarter. The large optimizations we saw last year are behind us, and we saw healthy growth in the number of customers running more than one workload.",
    margins="We will continue to balance growth and profitability. Next year we expect operating margin to expand by at least 200 basis points, even as we invest in Streamline and in our sales capacity.",
    streamline_q="Customers are building applications for forecasting, fraud detection and supply chain planning. Our conclusion is that Streamline has become the fastest way for our customers to put their data in front of business users, and that most applications are built by teams of fewer than five people.",
)


def _reports() -> None:
    ntsb(
        "WPR23LA045.pdf",
        dict(
            loc="Page, Arizona",
            num="WPR23LA045",
            date="November 12, 2022, 10:35 Local",
            reg="N4521K",
            ac="Piper PA-28-181",
            damage="Substantial",
            event="Fuel starvation",
            inj="1 Minor, 1 None",
            under="Part 91: General aviation - Personal",
            analysis="The private pilot reported that, during cruise flight about 25 minutes after takeoff, the engine lost total power. He selected a nearby dirt road for a forced landing. During the landing roll, the right wing struck a fence post and the airplane came to rest in a ditch. The pilot reported that he had switched the fuel selector to the left tank before departure and did not switch tanks during the flight. Postaccident examination revealed that the left fuel tank was empty and the right fuel tank contained about 20 gallons of fuel. No mechanical malfunctions or anomalies were found that would have precluded normal operation.",
            cause="The pilot's improper fuel management, which resulted in fuel starvation and a total loss of engine power.",
            findings=[
                ("Aircraft", "Fuel - Fluid management"),
                ("Personnel issues", "Use of equip/system - Pilot"),
            ],
            history=[
                ("Enroute-cruise", "Fuel starvation (Defining event)"),
                ("Emergency descent", "Off-field or emergency landing"),
                ("Landing-landing roll", "Collision during takeoff/land"),
            ],
            factual="The passenger, the pilot's son, sustained a minor injury to his arm. The airplane was fueled to capacity two days before the accident flight.",
            pilot=[
                (("Certificate", "Private"), ("Age", "58,Male")),
                (("Airplane Rating(s)", "Single-engine land"), ("Seat Occupied", "Left")),
                (
                    (
                        "Flight Time",
                        "612 hours (Total, all aircraft), 240 hours (Total, this make and model)",
                    ),
                    ("Last FAA Medical Exam", "Class 3 With waivers/limitations, June 1, 2021"),
                ),
            ],
            aircraft=[
                (("Aircraft Make", "Piper"), ("Registration", "N4521K")),
                (("Model/Series", "PA-28-181"), ("Aircraft Category", "Airplane")),
                (("Year of Manufacture", "1979"), ("Engines", "1 Reciprocating")),
                (("Engine Manufacturer", "Lycoming"), ("Engine Model/Series", "O-360-A4M")),
                (("Registered Owner", "On file"), ("Operator", "On file")),
            ],
            weather=[
                (("Conditions at Accident Site", "Visual (VMC)"), ("Condition of Light", "Day")),
                (("Wind Speed/Gusts", "6 knots / None"), ("Visibility", "10 miles")),
                (
                    ("Temperature/Dew Point", "14 C / -3 C"),
                    ("Departure Point", "Flagstaff, AZ (FLG)"),
                ),
                (("Destination", "Page, AZ (PGA)"), ("Type of Flight Plan Filed", "None")),
            ],
            wreck=[
                (("Crew Injuries", "1 None"), ("Aircraft Damage", "Substantial")),
                (("Passenger Injuries", "1 Minor"), ("Aircraft Fire", "None")),
                (
                    ("Total Injuries", "1 Minor, 1 None"),
                    ("Latitude, Longitude", "36.9261,-111.4483"),
                ),
            ],
            iic="Alvarez, Maria",
            rdate="03/02/2023",
        ),
    )

    ntsb(
        "ERA22FA318.pdf",
        dict(
            loc="Gainesville, Georgia",
            num="ERA22FA318",
            date="July 9, 2022, 16:50 Local",
            reg="N77TB",
            ac="Beech A36",
            damage="Destroyed",
            event="Loss of control in flight",
            inj="2 Fatal",
            under="Part 91: General aviation - Personal",
            analysis="The instrument-rated private pilot departed in instrument meteorological conditions with an embedded thunderstorm near the departure path. Radar data showed that, about 3 minutes after takeoff, the airplane entered an area of heavy precipitation, began a descending right turn and descended rapidly. The airplane was destroyed by impact forces and a postcrash fire. Examination of the wreckage revealed no evidence of a preimpact mechanical malfunction. The pilot had not obtained an official weather briefing before the flight.",
            cause="The pilot's decision to depart into an area of known convective activity, which resulted in a loss of airplane control due to spatial disorientation.",
            findings=[
                ("Aircraft", "Aircraft control - Not attained/maintained"),
                ("Personnel issues", "Decision making/judgment - Pilot"),
                ("Environmental issues", "Convective weather - Decision related to condition"),
            ],
            history=[
                ("Initial climb", "Loss of control in flight (Defining event)"),
                ("Uncontrolled descent", "Collision with terr/obj (non-CFIT)"),
            ],
            factual="The pilot and the passenger were fatally injured. Toxicology testing of the pilot was negative for drugs and alcohol.",
            pilot=[
                (("Certificate", "Private"), ("Age", "47,Male")),
                (
                    ("Airplane Rating(s)", "Single-engine land"),
                    ("Instrument Rating(s)", "Airplane"),
                ),
                (
                    (
                        "Flight Time",
                        "1,140 hours (Total, all aircraft), 380 hours (Total, this make and model), 95 hours (Instrument)",
                    ),
                    ("Last FAA Medical Exam", "Class 2 Without waivers/limitations, March 3, 2022"),
                ),
            ],
            aircraft=[
                (("Aircraft Make", "Beech"), ("Registration", "N77TB")),
                (("Model/Series", "A36"), ("Aircraft Category", "Airplane")),
                (("Year of Manufacture", "1998"), ("Engines", "1 Reciprocating")),
                (("Engine Manufacturer", "Continental"), ("Engine Model/Series", "IO-550-B")),
            ],
            weather=[
                (
                    ("Conditions at Accident Site", "Instrument (IMC)"),
                    ("Condition of Light", "Day"),
                ),
                (("Wind Speed/Gusts", "12 knots / 24 knots"), ("Visibility", "2 miles")),
                (
                    ("Temperature/Dew Point", "29 C / 23 C"),
                    ("Departure Point", "Gainesville, GA (GVL)"),
                ),
                (("Destination", "Destin, FL (DTS)"), ("Type of Flight Plan Filed", "IFR")),
            ],
            wreck=[
                (("Crew Injuries", "1 Fatal"), ("Aircraft Damage", "Destroyed")),
                (("Passenger Injuries", "1 Fatal"), ("Aircraft Fire", "On-ground")),
                (("Total Injuries", "2 Fatal"), ("Latitude, Longitude", "34.2726,-83.8302")),
            ],
            iic="Chen, David",
            rdate="08/21/2023",
        ),
    )

    def protocol(name, p):
        d = doc()
        d.set_font("Helvetica", "B", 13)
        d.multi_cell(0, 7, p["title"], align="C")
        d.ln(4)
        d.set_font("Helvetica", "", 10)
        for lab, val in p["front"]:
            d.cell(0, 6, f"{lab}: {val}", align="C")
            d.ln(6)
        d.add_page()
        head(d, "1 PROTOCOL SUMMARY")
        head(d, "1.1 SYNOPSIS", 10)
        for lab, val in p["synopsis"]:
            y = d.get_y()
            d.set_font("Helvetica", "B", 9)
            d.set_xy(18, y)
            d.multi_cell(40, 5, lab + ":")
            d.set_xy(60, y)
            d.set_font("Helvetica", "", 9)
            d.multi_cell(0, 5, val)
            d.ln(2)
        d.add_page()
        head(d, "5 STUDY POPULATION")
        head(d, "5.1 INCLUSION CRITERIA", 10)
        para(
            d,
            "In order to be eligible to participate in this study, an individual must meet all of the following criteria:",
        )
        for i, c in enumerate(p["incl"], 1):
            para(d, f"{i}. {c}")
        head(d, "5.2 EXCLUSION CRITERIA", 10)
        para(
            d,
            "An individual who meets any of the following criteria will be excluded from participation in this study:",
        )
        for i, c in enumerate(p["excl"], 1):
            para(d, f"{i}. {c}")
        head(d, "6 STUDY INTERVENTION")
        head(d, "6.1 STUDY INTERVENTION ADMINISTRATION", 10)
        para(d, p["dosing"])
        head(d, "9 STATISTICAL CONSIDERATIONS")
        head(d, "9.2 SAMPLE SIZE DETERMINATION", 10)
        para(d, p["sample"])
        d.output(str(OUT / "reports" / name))

    protocol(
        "Protocol KTX-201.pdf",
        dict(
            title="A Phase 2, Randomized, Double-Blind, Placebo-Controlled Study of Ketarin in Adults with Moderate to Severe Plaque Psoriasis",
            front=[
                ("Protocol Number", "KTX-201"),
                ("Sponsor", "Halden Biosciences, Inc."),
                ("Principal Investigator", "Dr. Laura Mbeki"),
                ("Version Number", "v3.0"),
                ("Date", "12 January 2022"),
            ],
            synopsis=[
                (
                    "Title",
                    "A Phase 2 Study of Ketarin in Adults with Moderate to Severe Plaque Psoriasis",
                ),
                (
                    "Study Description",
                    "This is a 16-week, randomized, double-blind, placebo-controlled, parallel-group study to evaluate the efficacy and safety of oral ketarin in adults with moderate to severe plaque psoriasis.",
                ),
                (
                    "Objectives",
                    "Primary Objective: To evaluate the efficacy of ketarin compared with placebo at Week 16. Secondary Objectives: To evaluate the safety and tolerability of ketarin; to characterize its pharmacokinetics.",
                ),
                (
                    "Endpoints",
                    "Primary Endpoint: The proportion of participants achieving at least a 75% improvement in the Psoriasis Area and Severity Index (PASI 75) at Week 16. Secondary Endpoints: PASI 90 at Week 16; incidence of treatment-emergent adverse events.",
                ),
                (
                    "Study Population",
                    "Approximately 180 adults aged 18 to 70 years with moderate to severe plaque psoriasis.",
                ),
                ("Phase", "2"),
                (
                    "Description of Sites",
                    "Approximately 20 dermatology clinics in the United States and Canada.",
                ),
                (
                    "Study Intervention",
                    "Ketarin 20 mg tablets or matching placebo, taken orally twice daily.",
                ),
                ("Study Duration", "Approximately 24 months."),
                (
                    "Participant Duration",
                    "Up to 24 weeks, including a 4-week screening period, 16 weeks of treatment and a 4-week follow-up.",
                ),
            ],
            incl=[
                "Provision of signed and dated informed consent form.",
                "Male or female, aged 18 to 70 years.",
                "Diagnosis of chronic plaque psoriasis for at least 6 months before screening.",
                "PASI score of 12 or higher and body surface area involvement of 10% or more.",
                "Candidate for systemic therapy or phototherapy.",
            ],
            excl=[
                "Non-plaque forms of psoriasis, such as erythrodermic or pustular psoriasis.",
                "Use of a biologic therapy within 12 weeks before the first dose.",
                "Active tuberculosis or a positive QuantiFERON test.",
                "Pregnancy or lactation.",
                "Abnormal liver function tests greater than 2 times the upper limit of normal.",
            ],
            dosing="Participants will take one 20 mg tablet of ketarin or placebo by mouth twice daily, in the morning and evening, with or without food, for 16 weeks. Missed doses should not be made up.",
            sample="A sample size of 180 participants (120 ketarin, 60 placebo, a 2:1 randomization) provides 90% power to detect a difference of 25 percentage points in the PASI 75 response rate at a two-sided significance level of 0.05, assuming a placebo response rate of 10%.",
        ),
    )

    protocol(
        "Protocol NRV-07.pdf",
        dict(
            title="A Phase 1, Open-Label, Dose-Escalation Study of NRV-07 in Participants with Relapsed Glioblastoma",
            front=[
                ("Protocol Number", "NRV-07"),
                ("Sponsor", "National Institute of Neurological Disorders and Stroke (NINDS)"),
                ("Principal Investigator", "Dr. Tomas Reyes"),
                ("Version Number", "v1.2"),
                ("Date", "3 May 2021"),
            ],
            synopsis=[
                ("Title", "Dose-Escalation Study of NRV-07 in Relapsed Glioblastoma"),
                (
                    "Study Description",
                    "This is an open-label, single-arm, 3+3 dose-escalation study to determine the maximum tolerated dose of intravenous NRV-07 in participants with relapsed glioblastoma.",
                ),
                (
                    "Objectives",
                    "Primary Objective: To determine the maximum tolerated dose (MTD) of NRV-07. Secondary Objectives: To describe the objective response rate and progression-free survival.",
                ),
                (
                    "Endpoints",
                    "Primary Endpoint: Dose-limiting toxicities during the first 28-day cycle. Secondary Endpoints: Objective response rate by RANO criteria; progression-free survival at 6 months.",
                ),
                (
                    "Study Population",
                    "Up to 30 adults aged 18 years or older with relapsed glioblastoma after standard therapy.",
                ),
                ("Phase", "1"),
                (
                    "Description of Sites",
                    "A single site, the NIH Clinical Center in Bethesda, Maryland.",
                ),
                (
                    "Study Intervention",
                    "NRV-07 given by intravenous infusion on Days 1 and 15 of each 28-day cycle, at doses from 0.5 to 4 mg/kg.",
                ),
                ("Study Duration", "Approximately 36 months."),
                (
                    "Participant Duration",
                    "Until disease progression or unacceptable toxicity, followed by a 30-day safety follow-up.",
                ),
            ],
            incl=[
                "Age 18 years or older.",
                "Histologically confirmed glioblastoma that has relapsed after radiotherapy and temozolomide.",
                "Karnofsky performance status of 60 or higher.",
                "Adequate bone marrow, liver and kidney function.",
                "Ability to understand and the willingness to sign a written informed consent document.",
            ],
            excl=[
                "Prior treatment with bevacizumab.",
                "Another active malignancy requiring treatment.",
                "Uncontrolled intercurrent illness, including symptomatic congestive heart failure.",
                "Pregnant or breastfeeding women.",
            ],
            dosing="NRV-07 will be administered as a 60-minute intravenous infusion on Days 1 and 15 of each 28-day cycle. The starting dose is 0.5 mg/kg; subsequent cohorts will receive 1, 2 and 4 mg/kg.",
            sample="Up to 30 participants will be enrolled: 3 to 6 participants in each of four dose cohorts, plus up to 6 additional participants at the maximum tolerated dose.",
        ),
    )


def _calls() -> None:
    pdf(
        "GLCR Q3 2022 Earnings Call Transcript.pdf",
        "Glacier Data (GLCR) Q3 2022 Earnings Call Transcript",
        "GLCR earnings call for the period ending October 31, 2021.",
        call("third quarter", "2022", "October 31, 2021", A),
        PART,
    )
    pdf(
        "GLCR Q3 2024 Earnings Call Transcript.pdf",
        "Glacier Data (GLCR) Q3 2024 Earnings Call Transcript",
        "GLCR earnings call for the period ending October 31, 2023.",
        call("third quarter", "2024", "October 31, 2023", B),
        PART,
    )


def main(out: str) -> None:
    global OUT
    OUT = Path(out)
    for sub in ("reports", "calls"):
        (OUT / sub).mkdir(parents=True, exist_ok=True)
    _reports()
    _calls()


if __name__ == "__main__":
    main(sys.argv[1])
