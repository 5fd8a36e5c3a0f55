"""Words and sentence patterns of legal drafting for the synthetic build corpus: English.

The `Lexicon` shape and the English data; the Russian data is in `lexicon_ru.py`. Pure data:
`drafting.Writer` draws from it with a seeded generator, so changing a word changes every
generated corpus.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lexicon:
    """Words and sentence patterns of one language's legal drafting."""

    chapter: str
    article: str
    title: str  # "{n}" and "{topic}"
    topics: tuple[str, ...]
    agencies: tuple[str, ...]
    summaries: tuple[str, ...]  # may use "{topic}"
    general: str  # the first chapter's title
    final: str  # the last chapter's title
    chapter_titles: tuple[str, ...]
    article_titles: tuple[str, ...]
    templates: tuple[str, ...]
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    verbs: tuple[str, ...]  # finite forms ("publishes"); English uses `infinitives`
    infinitives: tuple[str, ...]
    objects: tuple[str, ...]
    events: tuple[str, ...]
    conditions: tuple[str, ...]
    manners: tuple[str, ...]
    units: tuple[str, ...]
    lead_ins: tuple[str, ...]
    unnumbered_lead_ins: tuple[str, ...]
    points: tuple[str, ...]
    point_tails: tuple[str, ...]
    rewordings: tuple[tuple[str, str], ...]
    clause: str  # appended when nothing else can be reworded
    deadline: str  # a pattern matching the number of a deadline ("30" in "30 days")


EN = Lexicon(
    chapter="Chapter",
    article="Article",
    title="Regulation {n} on {topic}",
    topics=(
        "the licensing of private security services",
        "public procurement transparency",
        "drinking water quality",
        "access to public libraries",
        "noise control in residential areas",
        "waste sorting and recycling",
        "electronic public services",
        "taxi and ride-hailing services",
        "school meal standards",
        "urban cycling infrastructure",
        "open budget data",
        "accessible public transport",
        "street trading permits",
        "energy efficiency of public buildings",
    ),
    agencies=(
        "Ministry of Finance",
        "Ministry of Health",
        "Ministry of Justice",
        "Ministry of Transport",
        "Ministry of Education",
        "Ministry of Ecology and Natural Resources",
        "Ministry of Digital Development",
        "Ministry of Labour and Social Protection",
    ),
    summaries=(
        "This regulation sets clear rules on {topic}. It says what must be published, by "
        "whom and how quickly, and gives everyone a simple way to complain.",
        "The draft explains who is responsible for {topic} and what they must do. Deadlines "
        "are fixed in days and every decision must give its reasons.",
        "Everyone should be able to check how {topic} works. The regulation requires open "
        "records, regular reports and a fair appeal against any decision.",
    ),
    general="General provisions",
    final="Final provisions",
    chapter_titles=(
        "Registration and permits",
        "Rights and obligations of operators",
        "Publication of information",
        "Supervision and inspections",
        "Liability and appeals",
    ),
    article_titles=(
        "Purpose and scope",
        "Definitions",
        "Competent authority",
        "Application for a permit",
        "Examination of applications",
        "Register of permits",
        "Fees",
        "Reporting obligations",
        "Publication of data",
        "Protection of personal data",
        "Inspections",
        "Corrective measures",
        "Suspension of a permit",
        "Appeals",
        "Cooperation with other bodies",
        "Record keeping",
        "Complaints",
        "Public consultation",
        "Transitional provisions",
        "Entry into force",
    ),
    templates=(
        "{actor} shall {inf} {obj} within {n} {unit} of {event}.",
        "{actor} may {inf} {obj} where {cond}.",
        "The information referred to in paragraph {k} of this Article shall be published {manner}.",
        "Where {cond}, {actor_l} shall notify {recipient} and {inf} {obj} {manner}.",
        "{actor} shall {inf} {obj} {manner} and keep a record of it for at least {y} years.",
        "No fee shall be charged for {obj}, except where {cond}.",
    ),
    actors=(
        "The competent authority",
        "The operator",
        "Each licensee",
        "The Ministry",
        "The inspection body",
        "The applicant",
        "A public institution",
        "The registry holder",
        "The local executive body",
        "Every service provider",
    ),
    recipients=("the Ministry", "the applicant", "the inspection body", "the public"),
    verbs=(),
    infinitives=(
        "publish",
        "review",
        "keep",
        "submit",
        "update",
        "verify",
        "register",
        "make available",
        "disclose",
        "assess",
    ),
    objects=(
        "the register of permits",
        "the annual report",
        "all supporting documents",
        "the decision and its reasons",
        "the data referred to in Article 3",
        "the list of approved providers",
        "information on the fees charged",
        "a plan of corrective measures",
        "the results of each inspection",
        "records of every transaction",
    ),
    events=(
        "receipt of the application",
        "the end of each quarter",
        "the date of the decision",
        "the entry into force of this Regulation",
        "the request",
        "the inspection",
    ),
    conditions=(
        "the application is incomplete",
        "a complaint has been received",
        "the information is classified by law",
        "the operator fails to comply",
        "public health is at risk",
        "the data are no longer accurate",
    ),
    manners=(
        "in a machine-readable format",
        "on the official website",
        "in the state and official languages",
        "by electronic means",
        "without undue delay",
        "free of charge",
    ),
    units=("days", "working days", "calendar days"),
    lead_ins=(
        "The application shall contain",
        "The register shall include",
        "The following information shall be published",
        "The annual report shall set out",
    ),
    unnumbered_lead_ins=(
        "For the purposes of this Regulation, the register shall record",
        "The competent authority shall publish",
    ),
    points=(
        "the name and address of the applicant",
        "the type of activity",
        "the documents confirming payment of the fee",
        "the planned start date",
        "a description of the premises and equipment",
        "the contact details of the person responsible",
        "the number of employees",
        "the information on previous violations",
        "the list of subcontractors",
        "the expected volume of services",
        "the decisions taken and their reasons",
        "the complaints received and how they were resolved",
    ),
    point_tails=("", "", " where applicable", " in the form approved by the Ministry"),
    rewordings=(
        ("shall", "must"),
        ("within", "no later than"),
        ("working days", "calendar days"),
        ("competent authority", "authorised body"),
        ("official website", "open data portal"),
        ("annual report", "yearly report"),
        ("free of charge", "at no cost"),
        ("supporting documents", "accompanying documents"),
        ("without undue delay", "promptly"),
        ("applicant", "requester"),
        ("by electronic means", "electronically"),
        ("inspection body", "supervisory body"),
    ),
    clause="unless otherwise provided by law",
    deadline=r"(?<!\w)(\d+)(?= (?:days|working days|calendar days)(?!\w))",
)
