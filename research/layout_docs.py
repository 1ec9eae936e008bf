"""Made-up documents in the layouts real ones use, written for eval/layouts (issue 24): two
accident reports in the NTSB final-report layout (two captioned fields a line, values wrapped
beside their captions), two trial protocols (a title page of fields, a synopsis table of
"label | paragraph" rows, numbered criteria) and two earnings-call transcripts (speaker labels
on lines of their own, prepared remarks, questions and answers, guidance). Every company,
person, drug and figure is invented.

    .venv/bin/python research/layout_docs.py eval/layouts   (the calls: layout_calls.py)
"""

import sys
from pathlib import Path

from fpdf import FPDF
from layout_calls import write_calls

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


def main(out: str) -> None:
    global OUT
    OUT = Path(out)
    for sub in ("reports", "calls"):
        (OUT / sub).mkdir(parents=True, exist_ok=True)
    _reports()
    write_calls(OUT / "calls")


if __name__ == "__main__":
    main(sys.argv[1])
