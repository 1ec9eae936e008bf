"""Two made-up earnings-call transcripts in the published layout, for eval/layouts/calls
(`layout_docs.py` writes them): prepared remarks, speaker labels on lines of their own, the
operator, three analysts' questions and the replies, the next quarter's guidance."""

from pathlib import Path

from fpdf import FPDF

OUT = Path(".")


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
    d.output(str(OUT / name))


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


def write_calls(out: Path) -> None:
    global OUT
    OUT = out
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
