# The table of actions reads best one action to a line, as a spreadsheet would.
# ruff: noqa: E501
"""The fictional Eastbridge children's services improvement plan behind the example workbooks.

Plain data, kept apart from the code that writes it. The plan's "now" is 23 November 2026 (the
week before the 30 November 2026 board); the previous board met on 5 October 2026, with the plan
as it stood on 28 September 2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NOW = dt.date(2026, 11, 23)
PREVIOUS_NOW = dt.date(2026, 9, 28)
# How far back "Last updated" sat in the previous version of the plan.
PREVIOUS_UPDATE_SHIFT = dt.timedelta(days=56)

ORGANISATION = "Eastbridge Borough Council"

QP = "Quality of Practice"
WF = "Capacity and capability of workforce"
LM = "Effective Leadership and Management"
QA = "Quality Assurance and Performance Management"
PW = "Partnership working"

SECTIONS = [
    (
        QP,
        "Assistant Director, Children's Social Care",
        "Assessment timeliness has improved for the third month running and audits show "
        "stronger analysis of children's lived experience. Permanence planning for younger "
        "children remains the area of greatest concern.",
    ),
    (
        WF,
        "Head of Workforce Development",
        "Caseloads are falling as newly qualified social workers complete their first year. "
        "Agency reliance remains high in the child protection teams; the recruitment campaign "
        "launched in October has attracted 14 experienced applicants.",
    ),
    (
        LM,
        "Director of Children's Services",
        "The leadership team is now permanent. Practice weeks are embedded and senior leaders "
        "have observed 62 visits since June. The corporate parenting strategy has slipped to "
        "January following consultation with the Children in Care Council.",
    ),
    (
        QA,
        "Head of Quality Assurance",
        "The refreshed quality assurance framework is in place and moderation is improving "
        "consistency of audit grades. The new performance dashboard went live in September.",
    ),
    (
        PW,
        "Assistant Director, Partnerships and Commissioning",
        "Partners have agreed the revised threshold document. Exploitation work is behind "
        "plan because the police analyst post was vacant until October; a joint recovery plan "
        "is in place.",
    ),
]

RECOMMENDATIONS = {
    "QP1": "Strengthen the quality and timeliness of assessments so that they are analytical "
    "and reflect children's lived experience.",
    "QP2": "Improve the quality of child protection plans and the effectiveness of core groups.",
    "QP3": "Ensure that children in care have timely plans for permanence.",
    "QP4": "Ensure that children's wishes and feelings are recorded and inform their plans.",
    "WF1": "Reduce caseloads so that social workers have time to build relationships with "
    "children.",
    "WF2": "Improve the stability of the workforce and reduce reliance on agency staff.",
    "WF3": "Ensure that supervision is regular, reflective and recorded.",
    "LM1": "Ensure that senior leaders have an accurate understanding of frontline practice.",
    "LM2": "Strengthen management oversight and decision-making at every level.",
    "LM3": "Strengthen corporate parenting so that the whole council acts for children in care.",
    "QA1": "Develop a quality assurance framework that improves practice and is understood by "
    "staff.",
    "QA2": "Ensure that performance information is accurate and is used to drive improvement.",
    "PW1": "Ensure that thresholds are understood and consistently applied by partner agencies.",
    "PW2": "Improve the multi-agency response to children at risk of exploitation.",
    "PW3": "Strengthen the offer to care leavers, including access to suitable accommodation.",
}

OFSTED = "Ofsted inspection of children's services (ILACS), March 2026"
PEER_REVIEW = "LGA peer review of partnership working, January 2026"
# The Recommendations sheet: where each recommendation came from and who leads on it.
RECOMMENDATION_SOURCES = {
    "QP": (OFSTED, "Assistant Director, Children's Social Care"),
    "WF": (OFSTED, "Head of Workforce Development"),
    "LM": (OFSTED, "Director of Children's Services"),
    "QA": (OFSTED, "Head of Quality Assurance"),
    "PW": (PEER_REVIEW, "Assistant Director, Partnerships and Commissioning"),
}


def D(text: str) -> dt.date:
    """A date from ISO text."""
    return dt.date.fromisoformat(text)


def month_year(day: dt.date) -> str:
    """ "June 2026"."""
    return day.strftime("%B %Y")


def d(text: str) -> dt.date | None:
    """A date from ISO text, or None for an empty string (keeps the table below readable)."""
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class PlanRow:
    """One action now, and how it stood at the previous board where that differs."""

    ref: str
    section: str
    recommendation: str
    action: str
    lead: str
    partners: str
    start: str
    due: str
    revised: str
    completed: str
    status: str
    update: str
    evidence: str
    updated: str
    before_status: str = ""  # the status at the previous board, when different
    before_update: str = ""  # the progress update then, when different
    before_revised: str | None = None  # the revised due date then, when different ("" = none)
    added_since: bool = False  # absent from the previous version of the plan


HOS_ASSESS = "Head of Service, Assessment"
HOS_CP = "Head of Service, Child Protection and Court"
HOS_CIC = "Head of Service, Children in Care and Care Leavers"
PSW = "Principal Social Worker"
HOWD = "Head of Workforce Development"
HRBP = "HR Business Partner, Children's Services"
DCS = "Director of Children's Services"
AD = "Assistant Director, Children's Social Care"
HOQA = "Head of Quality Assurance"
PIM = "Performance and Intelligence Manager"
HOEH = "Head of Early Help"
HOFD = "Head of Front Door and MASH"
SCP = "Business Manager, Safeguarding Children Partnership"
HOCOM = "Head of Commissioning, Children's Services"

# fmt: off
ROWS: list[PlanRow] = [
    # --- Quality of Practice -------------------------------------------------------------------
    PlanRow("QP-01", QP, "QP1", "Introduce a single assessment template with prompts for analysis of risk, need and the child's lived experience.", HOS_ASSESS, "Mosaic project team", "2026-05-01", "2026-07-31", "", "2026-07-24", "Blue", "New template live in Mosaic from 24 July; briefings delivered to all assessment teams.", "Audit in October found analysis good or better in 58% of assessments, up from 31%.", "2026-10-06"),
    PlanRow("QP-02", QP, "QP1", "Track every assessment at day 30 and day 40 through a weekly timeliness meeting chaired by the Head of Service.", HOS_ASSESS, "", "2026-05-01", "2026-06-30", "", "2026-06-19", "Blue", "Weekly meeting running since June; escalations recorded.", "Assessments within 45 working days rose from 64% in May to 81% in October.", "2026-10-06"),
    PlanRow("QP-03", QP, "QP1", "Deliver analytical writing workshops to all social workers in the assessment service.", PSW, "Eastbridge University", "2026-06-01", "2026-10-31", "", "2026-10-23", "Blue", "Six workshops delivered; 47 of 52 staff attended.", "Practice observation shows clearer analysis; re-audit planned for February.", "2026-10-30", before_status="Green", before_update="Four of six workshops delivered; 31 staff attended so far."),
    PlanRow("QP-04", QP, "QP2", "Revise the child protection plan template so that every plan has SMART outcomes and named responsibilities.", HOS_CP, "Safeguarding Children Partnership", "2026-05-15", "2026-08-31", "", "2026-08-28", "Blue", "Template agreed with partners and in use from 1 September.", "Conference chairs report 74% of plans now SMART (baseline 40%).", "2026-10-12"),
    PlanRow("QP-05", QP, "QP2", "Ensure that every core group meets within 10 working days of the initial conference and at least every six weeks thereafter.", HOS_CP, "Health visiting; schools", "2026-06-01", "2026-09-30", "2026-12-18", "", "Amber", "Compliance at 82% against a 95% target. Slippage caused by two vacant team manager posts; interim managers start on 7 December.", "Core groups within timescale: 82% (September 76%).", "2026-11-16", before_status="Amber", before_revised=""),
    PlanRow("QP-06", QP, "QP2", "Introduce family network meetings before every initial child protection conference.", HOS_CP, "Family Group Conference service", "2026-07-01", "2027-01-15", "", "", "Green", "Pilot in two teams; 19 family network meetings held since August.", "Seven children supported by their wider family without need for a plan.", "2026-11-10"),
    PlanRow("QP-07", QP, "QP3", "Hold a permanence planning meeting for every child in care by their second review.", HOS_CIC, "Independent Reviewing Officers", "2026-05-01", "2026-09-30", "", "", "Red", "Only 41% of children have had a permanence meeting by the second review. Tracking was not in place until October; a weekly permanence panel now reviews every case.", "Not yet evidenced.", "2026-11-18", before_status="Amber", before_update="Tracking being set up; figures expected next month."),
    PlanRow("QP-08", QP, "QP3", "Establish a fortnightly permanence tracking panel chaired by the Head of Service.", HOS_CIC, "", "2026-06-01", "2026-08-31", "", "2026-09-14", "Blue", "Panel meeting fortnightly since 14 September.", "42 children's plans reviewed; 9 proceedings for special guardianship started.", "2026-10-20"),
    PlanRow("QP-09", QP, "QP3", "Complete a review of all children placed with parents under a care order and seek discharge where appropriate.", HOS_CIC, "Legal Services", "2026-07-01", "2026-12-31", "", "", "Green", "28 of 35 reviews completed; 6 discharge applications lodged.", "Six children on track to leave care to their families safely.", "2026-11-13"),
    PlanRow("QP-10", QP, "QP4", "Record the child's own words in every assessment and plan, using the revised Mosaic 'child's voice' section.", PSW, "", "2026-06-01", "2026-10-31", "2027-01-31", "", "Amber", "Mosaic change delayed by supplier release schedule; the section goes live on 11 January. Practitioners are using a workaround in case notes meanwhile.", "Audit: child's voice clearly evident in 63% of files (target 85%).", "2026-11-09", before_status="Green", before_update="Mosaic change requested; practice guidance issued.", before_revised=""),
    PlanRow("QP-11", QP, "QP4", "Commission an advocacy offer for every child subject to a child protection conference.", HOCOM, "Coram Voice", "2026-07-01", "2026-12-31", "", "", "Green", "Contract awarded in October; service starts on 1 December.", "Not yet: take-up will be reported from January.", "2026-11-02"),
    PlanRow("QP-12", QP, "QP1", "Introduce a practice standards booklet setting out minimum expectations for visits, recording and case summaries.", PSW, "", "2026-05-01", "2026-06-30", "", "2026-06-26", "Blue", "Booklet launched at the June all-staff event.", "Visits within timescale: 88% (baseline 71%).", "2026-10-06"),
    PlanRow("QP-13", QP, "QP2", "Review all children subject to a plan for more than 18 months and agree a clear route to step-down or proceedings.", HOS_CP, "Legal Services; IROs", "2026-08-01", "2026-10-31", "", "", "Red", "Review started late because of the conference chair vacancy. 11 of 23 children reviewed; remaining reviews booked for December.", "Four children stepped down to child in need.", "2026-11-17"),
    PlanRow("QP-14", QP, "QP3", "Implement a pre-proceedings tracker so that no case stays in the Public Law Outline for more than 16 weeks without review.", HOS_CP, "Legal Services", "2026-09-01", "2027-02-28", "", "", "Green", "Tracker built; first monthly review held on 3 November.", "Average time in pre-proceedings: 21 weeks (from 29).", "2026-11-05"),
    PlanRow("QP-15", QP, "QP1", "Reduce re-referrals within 12 months by strengthening step-down to Early Help.", HOEH, "Schools; health visiting", "2026-06-01", "2027-03-31", "", "", "Green", "Step-down panel running weekly; joint visits with Early Help for every step-down.", "Re-referrals 23.1% (from 25.3%).", "2026-11-12"),
    PlanRow("QP-16", QP, "QP4", "Launch the 'Tell us what you think' feedback survey for children and families after every assessment.", PSW, "Eastbridge Youth Council", "2026-10-01", "2027-03-31", "", "", "Green", "Survey designed with the Youth Council; text-message version going live in December.", "Not yet: first results due in February.", "2026-11-19", added_since=True),
    # --- Capacity and capability of workforce --------------------------------------------------
    PlanRow("WF-01", WF, "WF1", "Set and monitor a target caseload of 18 children per social worker in the assessment and child in need teams.", AD, "", "2026-05-01", "2026-12-31", "", "", "Green", "Average caseload 20.1, down from 22.4 in September. On course for 18 by the end of December as ASYEs take full caseloads.", "Average caseload: 20.1 (May 24.6).", "2026-11-18"),
    PlanRow("WF-02", WF, "WF1", "Create an additional child in need team funded through the improvement budget.", AD, "Finance", "2026-05-01", "2026-09-30", "", "2026-09-21", "Blue", "Team of six in post from 21 September.", "Caseloads in the child in need service down by four on average.", "2026-10-05"),
    PlanRow("WF-03", WF, "WF2", "Run a national recruitment campaign for experienced social workers with a refreshed recruitment and retention offer.", HRBP, "Communications", "2026-06-01", "2026-10-31", "2026-12-31", "", "Amber", "Campaign launch moved from August to October to align with the new pay offer. 14 applicants to date; interviews on 2 and 3 December.", "Agency rate 24% (from 27%).", "2026-11-20", before_status="Red", before_update="Launch delayed pending approval of the market supplement.", before_revised="2026-12-31"),
    PlanRow("WF-04", WF, "WF2", "Introduce a market supplement for child protection social workers.", HRBP, "Finance", "2026-05-01", "2026-08-31", "", "2026-08-20", "Blue", "Agreed by Employment Committee on 20 August.", "Two agency workers converted to permanent posts.", "2026-10-05"),
    PlanRow("WF-05", WF, "WF2", "Convert at least ten agency social workers to permanent contracts.", HRBP, "", "2026-07-01", "2027-03-31", "", "", "Green", "Six conversions agreed; four more in discussion.", "Six permanent appointments.", "2026-11-11"),
    PlanRow("WF-06", WF, "WF3", "Introduce a supervision policy and recording template that makes reflective discussion visible on the child's file.", PSW, "", "2026-05-01", "2026-07-31", "", "2026-07-17", "Blue", "Policy and template launched on 17 July.", "Supervision recorded within timescale in 86% of cases (baseline 52%).", "2026-10-06"),
    PlanRow("WF-07", WF, "WF3", "Deliver supervision training to every team manager and advanced practitioner.", HOWD, "Research in Practice", "2026-06-01", "2026-11-30", "", "", "Green", "Three of four cohorts trained; the final cohort meets on 26 and 27 November.", "Managers report more confidence; dip sample of supervision notes due in January.", "2026-11-16"),
    PlanRow("WF-08", WF, "WF3", "Monthly dip sample of supervision records by the Principal Social Worker.", PSW, "", "2026-07-01", "2026-09-30", "", "", "Amber", "Dip samples completed in July and October but not in August or September because of leave. Now scheduled for the first week of each month.", "Two dip samples: 71% of records reflective.", "2026-11-06", before_status="Green", before_update="July dip sample complete."),
    PlanRow("WF-09", WF, "WF2", "Launch an Eastbridge social work academy for newly qualified social workers with protected caseloads.", HOWD, "Eastbridge University", "2026-05-01", "2026-09-30", "", "2026-09-07", "Blue", "Academy launched with 12 ASYEs on 7 September.", "All 12 ASYEs retained at three months.", "2026-10-14"),
    PlanRow("WF-10", WF, "WF1", "Agree a workforce plan that models demand and staffing for the next three years.", AD, "Finance; HR", "2026-07-01", "2026-12-31", "", "", "Green", "Demand model complete; draft plan goes to the leadership team on 8 December.", "Not yet: plan in draft.", "2026-11-13"),
    PlanRow("WF-11", WF, "WF2", "Hold exit interviews with every leaving social worker and report themes quarterly.", HRBP, "", "2026-05-01", "2026-08-31", "", "", "Red", "Exit interviews held for only 5 of 13 leavers. HR capacity has been the barrier; an online exit survey goes live in December.", "Themes not yet reported.", "2026-11-03"),
    PlanRow("WF-12", WF, "WF1", "Introduce a business support hub so that social workers spend less time on administration.", AD, "Business Support", "2026-06-01", "2026-10-31", "", "2026-10-26", "Blue", "Hub live from 26 October, taking minute-taking and transport booking.", "Social workers report saving about three hours a week.", "2026-11-02", before_status="Green", before_update="Staff recruited; hub opens in October."),
    PlanRow("WF-13", WF, "WF3", "Introduce group supervision for practice learning in every team.", PSW, "", "2026-10-15", "2027-02-28", "", "", "Green", "Model agreed; first sessions in the assessment service in December.", "Not yet: first sessions December.", "2026-11-20", added_since=True),
    # --- Effective Leadership and Management ---------------------------------------------------
    PlanRow("LM-01", LM, "LM1", "Appoint a permanent senior leadership team for children's social care.", DCS, "Chief Executive; HR", "2026-04-15", "2026-09-30", "", "2026-09-01", "Blue", "Assistant Director and three Heads of Service in post; all permanent.", "Interim spend down 40% on last year.", "2026-10-05"),
    PlanRow("LM-02", LM, "LM1", "Hold a monthly practice week in which senior leaders observe practice and hold case discussions with staff.", DCS, "Lead Member", "2026-06-01", "2026-08-31", "", "2026-08-28", "Blue", "Practice weeks held monthly since June.", "62 visits observed; learning shared in the staff bulletin.", "2026-10-05"),
    PlanRow("LM-03", LM, "LM2", "Require a documented management decision at every key point of the child's journey: contact, strategy, assessment and closure.", AD, "", "2026-05-01", "2026-08-31", "", "2026-08-14", "Blue", "Mosaic workflow updated; decisions cannot be skipped.", "Management oversight evident in 89% of audited files (baseline 46%).", "2026-10-08"),
    PlanRow("LM-04", LM, "LM2", "Strengthen the escalation protocol so that drift is escalated to Head of Service within five working days.", AD, "IROs", "2026-06-01", "2026-09-30", "", "", "Amber", "Protocol revised but the IRO escalation log is not yet linked to Mosaic, so follow-up is manual. Fix due in the January release.", "22 escalations resolved within five days.", "2026-11-10"),
    PlanRow("LM-05", LM, "LM3", "Refresh the corporate parenting strategy with children in care and care leavers.", DCS, "Children in Care Council", "2026-06-01", "2026-10-31", "2027-01-31", "", "Amber", "Consultation with the Children in Care Council extended at their request. Strategy to Cabinet in February.", "Not yet: strategy in draft.", "2026-11-16", before_status="Green", before_update="Consultation under way.", before_revised=""),
    PlanRow("LM-06", LM, "LM3", "Deliver corporate parenting training to every councillor.", DCS, "Democratic Services", "2026-07-01", "2026-12-31", "", "", "Green", "38 of 51 councillors trained; two further sessions in December.", "Attendance at Corporate Parenting Panel up.", "2026-11-09"),
    PlanRow("LM-08", LM, "LM1", "Produce a monthly Director's report to the Improvement Board on progress and risks.", DCS, "", "2026-05-01", "2026-06-30", "", "2026-06-15", "Blue", "Monthly report in place since June.", "Board members report clearer line of sight.", "2026-10-05"),
    PlanRow("LM-09", LM, "LM2", "Hold quarterly service-wide staff engagement events led by the Director.", DCS, "", "2026-05-01", "2027-03-31", "", "", "Green", "Events held in June and October; next in January.", "Staff survey: 68% feel listened to (from 41%).", "2026-11-02"),
    PlanRow("LM-10", LM, "LM2", "Introduce a management development programme for all team managers.", HOWD, "Local Government Association", "2026-08-01", "2026-11-30", "2027-03-31", "", "Red", "Programme provider withdrew in September. New provider procured; programme starts in February.", "Not yet delivered.", "2026-11-19", before_status="Green", before_update="Provider confirmed; programme starts in October.", before_revised=""),
    PlanRow("LM-11", LM, "LM3", "Agree a council-wide offer of work experience and apprenticeships for care leavers.", DCS, "Economic Development; HR", "2026-09-01", "2027-01-15", "", "", "Green", "Seven council departments have pledged placements; offer to go to Cabinet in January.", "Three care leavers already in council apprenticeships.", "2026-11-12"),
    PlanRow("LM-12", LM, "LM1", "Review the scheme of delegation so that decisions sit at the right level.", AD, "Legal Services", "2026-07-01", "2026-10-31", "", "2026-10-29", "Blue", "New scheme approved on 29 October.", "Heads of Service now approve placements under £4,000 a week, speeding decisions.", "2026-11-02", before_status="Green", before_update="Draft scheme out for comment."),
    # --- Quality Assurance and Performance Management ------------------------------------------
    PlanRow("QA-01", QA, "QA1", "Publish a refreshed quality assurance framework with a clear audit cycle and learning loop.", HOQA, "", "2026-05-01", "2026-07-31", "", "2026-07-10", "Blue", "Framework published in July.", "Staff survey: 74% understand how audit findings are used.", "2026-10-07"),
    PlanRow("QA-02", QA, "QA1", "Run monthly themed audits with practitioner involvement and moderation.", HOQA, "", "2026-06-01", "2026-09-30", "", "2026-09-25", "Blue", "Monthly audits running; moderation panel in place.", "Audit grades changed at moderation fell from 30% to 12%.", "2026-10-07"),
    PlanRow("QA-03", QA, "QA1", "Introduce a learning bulletin and team-level learning sessions after each audit cycle.", HOQA, "", "2026-07-01", "2026-10-31", "", "2026-10-16", "Blue", "Bulletin issued monthly; team sessions held after each cycle.", "Teams can point to changes made after audit.", "2026-10-30", before_status="Green", before_update="First bulletin issued in August."),
    PlanRow("QA-04", QA, "QA2", "Launch a performance dashboard available to every manager, refreshed daily.", PIM, "ICT", "2026-05-01", "2026-09-30", "", "2026-09-18", "Blue", "Dashboard live from 18 September.", "Used by every team manager in the weekly performance meeting.", "2026-10-07"),
    PlanRow("QA-05", QA, "QA2", "Cleanse Mosaic data on legal status, placements and allocation so that performance figures are accurate.", PIM, "Mosaic project team", "2026-06-01", "2026-10-31", "", "", "Red", "Data cleanse 60% complete. The data officer post has been vacant since August; agency cover started on 9 November.", "Allocation data now accurate; placements still being checked.", "2026-11-13", before_status="Amber", before_update="Cleanse under way; data officer post vacant."),
    PlanRow("QA-06", QA, "QA2", "Hold a monthly performance clinic for each service, chaired by the Assistant Director.", AD, "", "2026-06-01", "2026-07-31", "", "2026-07-31", "Blue", "Clinics running monthly since June.", "Actions from clinics tracked to completion.", "2026-10-07"),
    PlanRow("QA-07", QA, "QA1", "Gather feedback from children and families as part of every audit.", HOQA, "", "2026-07-01", "2026-12-31", "", "", "Green", "Feedback gathered in 34% of audits; a dedicated feedback worker starts in December.", "Feedback is shaping practice standards.", "2026-11-11"),
    PlanRow("QA-08", QA, "QA2", "Benchmark performance against statistical neighbours and report quarterly to the Board.", PIM, "", "2026-07-01", "2026-12-18", "", "", "Green", "First benchmarking report drafted for the December Board.", "Not yet: first report in December.", "2026-11-18"),
    PlanRow("QA-09", QA, "QA1", "Introduce practice observations as part of the audit programme.", HOQA, "", "2026-09-01", "2027-03-31", "", "", "Green", "Observation tool agreed; 11 observations completed.", "Observations corroborate audit findings on relationship-based practice.", "2026-11-06"),
    PlanRow("QA-10", QA, "QA2", "Set targets for every key indicator in the plan and report exceptions to the Board.", PIM, "", "2026-06-01", "2026-08-31", "", "2026-08-27", "Blue", "Targets agreed by the Board in August.", "Exception report in place.", "2026-10-07"),
    PlanRow("QA-11", QA, "QA1", "Audit the quality of return home interviews for children missing from home or care.", HOQA, "Eastbridge Police", "2026-09-01", "2026-12-31", "", "", "Amber", "Audit started late because of the data cleanse; 20 of 40 cases audited. Early findings shared with the exploitation team.", "Not yet: findings in January.", "2026-11-17", before_status="Green", before_update="Audit scoped; starts in October."),
    # --- Partnership working -------------------------------------------------------------------
    PlanRow("PW-01", PW, "PW1", "Agree and publish a revised threshold document with all safeguarding partners.", SCP, "Police; ICB; schools", "2026-05-01", "2026-09-30", "", "2026-09-24", "Blue", "Threshold document signed off by the partnership executive on 24 September.", "Contacts progressing to referral: 38% (from 22%).", "2026-10-08"),
    PlanRow("PW-02", PW, "PW1", "Deliver threshold briefings to every school designated safeguarding lead.", HOFD, "Education Safeguarding", "2026-09-01", "2026-12-31", "", "", "Green", "Briefings delivered to 58 of 71 schools.", "Inappropriate contacts from schools down 15%.", "2026-11-12"),
    PlanRow("PW-03", PW, "PW1", "Review the MASH operating model with police and health colleagues.", HOFD, "Eastbridge Police; ICB", "2026-06-01", "2026-10-31", "", "", "Amber", "Review completed but health staffing in the MASH has not been agreed. Escalated to the partnership executive for December.", "Strategy discussions within one working day: 79%.", "2026-11-10"),
    PlanRow("PW-04", PW, "PW2", "Agree a joint exploitation strategy and a multi-agency risk panel for children at risk of exploitation.", SCP, "Eastbridge Police; Youth Justice", "2026-05-01", "2026-09-30", "2027-01-15", "", "Red", "Strategy drafted but the police analyst post was vacant until October, so the risk profile is incomplete. A joint recovery plan is in place with a revised date of 15 January.", "Panel meeting informally; 17 children discussed.", "2026-11-18", before_status="Amber", before_update="Strategy drafting under way; analyst post vacant.", before_revised=""),
    PlanRow("PW-05", PW, "PW2", "Introduce return home interviews within 72 hours for every missing episode.", HOEH, "Eastbridge Police", "2026-06-01", "2026-09-30", "", "", "Amber", "Interviews offered within 72 hours in 71% of episodes against a 90% target. Commissioned service is recruiting two more workers.", "Offered within 72 hours: 71% (from 52%).", "2026-11-04"),
    PlanRow("PW-06", PW, "PW3", "Commission supported accommodation for care leavers aged 18 to 21.", HOCOM, "Housing", "2026-06-01", "2027-03-31", "", "", "Green", "Tender published in October; contract award planned for February.", "Not yet: contract not awarded.", "2026-11-09"),
    PlanRow("PW-07", PW, "PW3", "Agree a joint housing protocol for care leavers with the housing service.", HOCOM, "Housing Options", "2026-05-01", "2026-08-31", "", "2026-08-25", "Blue", "Protocol signed in August.", "No care leaver placed in bed and breakfast since August.", "2026-10-08"),
    PlanRow("PW-08", PW, "PW3", "Offer every care leaver a personal adviser within eight weeks of their 16th birthday.", HOS_CIC, "", "2026-06-01", "2026-12-31", "", "", "Green", "93% allocated a personal adviser within timescale.", "Care leavers in touch: 96%.", "2026-11-12"),
    PlanRow("PW-09", PW, "PW1", "Launch a multi-agency audit programme through the safeguarding partnership.", SCP, "Police; ICB; schools", "2026-07-01", "2026-10-31", "", "2026-10-21", "Blue", "First multi-agency audit on neglect completed in October.", "Learning briefing issued to all partners.", "2026-10-30", before_status="Green", before_update="Audit tool agreed; audit in October."),
    PlanRow("PW-10", PW, "PW2", "Train frontline staff across agencies in contextual safeguarding.", SCP, "Police; schools; Youth Justice", "2026-07-01", "2026-11-30", "", "", "Red", "Training delivered to 90 of a planned 250 staff. Trainer unavailable in October; dates now booked for December and January.", "Not yet evidenced.", "2026-11-16", before_status="Green", before_update="Trainer commissioned; sessions planned for October and November."),
    PlanRow("PW-11", PW, "PW1", "Strengthen Early Help with a locality model and a lead professional for every family.", HOEH, "Schools; health visiting; voluntary sector", "2026-06-01", "2027-06-30", "", "", "Green", "Three localities live; the fourth opens in January.", "Families with a lead professional: 81%.", "2026-11-04"),
    PlanRow("PW-12", PW, "PW3", "Improve the health offer to care leavers, including health passports for every young person.", HOS_CIC, "ICB; Designated Nurse", "2026-07-01", "2027-01-08", "", "", "Green", "Health passport agreed; 44 issued.", "Care leavers report clearer health information.", "2026-11-13"),
    PlanRow("PW-13", PW, "PW2", "Introduce a disruption plan for every location identified as a risk for exploitation.", SCP, "Eastbridge Police; Community Safety", "2026-10-15", "2027-03-31", "", "", "Green", "First four disruption plans agreed at the risk panel.", "Not yet: first review in January.", "2026-11-18", added_since=True),
]
# fmt: on

# In the previous plan, replaced since by LM-04's escalation work.
REMOVED_SINCE = PlanRow(
    "LM-07",
    LM,
    "LM2",
    "Set up a separate oversight group for children whose cases have drifted.",
    AD,
    "IROs",
    "2026-06-01",
    "2026-10-31",
    "",
    "",
    "Green",
    "Terms of reference drafted.",
    "Not yet started.",
    "2026-09-21",
)

REPORT = {
    "Organisation": ORGANISATION,
    "Meeting": "Children's Improvement Board",
    "Meeting date": dt.date(2026, 11, 30),
    "Title": "Improvement Plan Progress Update",
    "Report of": "Director of Children's Services",
    "Author": "Priya Chandran, Head of Improvement and Transformation",
    "Contact": "priya.chandran@example.org, 01632 960418",
    "Classification": "OFFICIAL",
    "Wards": "All",
    "Summary": (
        "This report updates the Improvement Board on progress against the Children's Services "
        "Improvement Plan agreed in May 2026 in response to the Ofsted inspection published in "
        "March 2026. It sets out the status of every action by section of the plan, the actions "
        "that are overdue and why, and the actions due before the next Board."
    ),
    "Recommendations": (
        "note the progress made since the last Board, in particular on assessment timeliness "
        "and quality assurance,\n"
        "note the actions that are overdue and the recovery steps set out for each,\n"
        "agree the revised due dates for LM-05, LM-10 and PW-04,\n"
        "ask the Safeguarding Children Partnership to report on the exploitation strategy "
        "at the January Board"
    ),
    "Next steps": (
        "Heads of Service will report exceptions to the Assistant Director each fortnight. The "
        "permanence and exploitation recovery plans will be reviewed at the December leadership "
        "team, and the plan will be refreshed in March 2027 to take account of the Ofsted "
        "monitoring visit."
    ),
    "Next meeting date": dt.date(2027, 1, 18),
}

PREVIOUS_REPORT_DATES = {
    "Meeting date": dt.date(2026, 10, 5),
    "Next meeting date": dt.date(2026, 11, 30),
}

# fmt: off
MEASURES = [
    ("% of assessments completed within 45 working days", QP, "%", 85, 71, 81, "higher", "Third month of improvement; weekly tracking is working."),
    ("% of child protection visits within 10 working days", QP, "%", 90, 82, 87, "higher", "Improving; two teams below target because of vacancies."),
    ("% of re-referrals within 12 months", QP, "%", 22, 25.3, 23.1, "lower", "Step-down panel is reducing repeat contacts."),
    ("Average caseload per social worker (assessment teams)", WF, "children", 18, 22.4, 20.1, "lower", "ASYEs taking protected caseloads."),
    ("Agency social workers as % of the workforce", WF, "%", 15, 27, 24, "lower", "Recruitment campaign under way."),
    ("% of audited cases graded good or better", QA, "%", 60, 38, 44, "higher", "Slow but steady improvement; moderation is tightening grades."),
    ("% of initial child protection conferences within 15 working days", PW, "%", 85, 79, 76, "higher", "Worse because of the conference chair vacancy, now filled."),
    ("% of care leavers in education, employment or training", PW, "%", 60, 52, 55, "higher", "Council apprenticeships helping."),
]
# fmt: on

PREVIOUS_MEASURES_CURRENT = {  # what "Current" said at the previous board
    "% of assessments completed within 45 working days": (64, 71),
    "% of child protection visits within 10 working days": (78, 82),
    "% of re-referrals within 12 months": (26.0, 25.3),
    "Average caseload per social worker (assessment teams)": (24.6, 22.4),
    "Agency social workers as % of the workforce": (28, 27),
    "% of audited cases graded good or better": (31, 38),
    "% of initial child protection conferences within 15 working days": (81, 79),
    "% of care leavers in education, employment or training": (50, 52),
}

DISTRIBUTION = [
    (
        "Margaret Oduya",
        "margaret.oduya@example.org",
        "Independent Chair, Children's Improvement Board",
    ),
    ("Cllr Tom Hartley", "tom.hartley@example.org", "Lead Member for Children's Services"),
    ("Daniel Reeve", "daniel.reeve@example.org", "Director of Children's Services"),
    ("Aisha Kamara", "aisha.kamara@example.org", "Assistant Director, Children's Social Care"),
    ("Detective Superintendent Claire Moss", "claire.moss@example.org", "Eastbridge Police"),
    ("Dr Rhys Powell", "rhys.powell@example.org", "Designated Doctor, Eastbridge and Sandmere ICB"),
    ("Priya Chandran", "priya.chandran@example.org", "Head of Improvement and Transformation"),
]

# --- Earlier boards (workbooks/earlier-boards/) ------------------------------------------------
# The plan at the two boards before the previous one. Each starts from the plan as it stood
# at the previous board; an action completed after a board's data date was still Green then,
# and every action not complete then was on track (Green) unless the changes below say
# otherwise. They tell the stories the history shows: WF-03 and LM-05 re-dated at two boards,
# PW-03 Amber at all four boards, and QP-05, QP-07, QA-05, WF-03 and WF-11 Amber or Red at the
# last three.


@dataclass(frozen=True)
class EarlierBoard:
    """A board before the previous one: its date, the data date and what differed then."""

    file_name: str
    meeting: dt.date
    data_as_at: dt.date
    next_meeting: dt.date
    changes: dict[str, dict[str, str]]  # Ref -> PlanRow fields as they were then
    measures: dict[str, tuple[float, float | None]]  # measure -> (previous, current) then


_JUNE_GREEN = {"status": "Green", "update": "Work has started and is on track."}
EARLIER_BOARDS = [
    EarlierBoard(
        "2026-06-08-board.xlsx",
        dt.date(2026, 6, 8),
        dt.date(2026, 6, 1),
        dt.date(2026, 8, 10),
        {
            "QP-05": _JUNE_GREEN,
            "QP-07": _JUNE_GREEN,
            "WF-03": {**_JUNE_GREEN, "revised": ""},
            "WF-11": _JUNE_GREEN,
            "LM-05": {"status": "Green", "due": "2026-09-30"},
            "PW-03": {
                "status": "Amber",
                "update": "Scoping of the MASH review delayed by the police restructure.",
            },
        },
        {
            "% of assessments completed within 45 working days": (60, 62),
            "% of child protection visits within 10 working days": (74, 75),
            "% of re-referrals within 12 months": (26.4, 26.2),
            "Average caseload per social worker (assessment teams)": (24.9, 24.6),
            "Agency social workers as % of the workforce": (29, 29),
            "% of audited cases graded good or better": (27, 29),
            "% of initial child protection conferences within 15 working days": (80, 82),
            "% of care leavers in education, employment or training": (49, 49),
        },
    ),
    EarlierBoard(
        "2026-08-10-board.xlsx",
        dt.date(2026, 8, 10),
        dt.date(2026, 8, 3),
        dt.date(2026, 10, 5),
        {
            "QP-05": {
                "status": "Amber",
                "update": "Core groups within timescale: 74%. Two team manager posts are vacant.",
            },
            "QP-07": {
                "status": "Amber",
                "update": "Permanence meetings are not yet tracked; a tracker is being built.",
            },
            "WF-03": {
                "status": "Amber",
                "revised": "2026-11-30",
                "update": "Campaign launch moved to September to align with the new pay offer.",
            },
            "WF-11": {
                "status": "Amber",
                "update": "Exit interviews held for 3 of 7 leavers; HR capacity is stretched.",
            },
            "PW-03": {
                "status": "Amber",
                "update": "Review under way; health staffing for the MASH not yet agreed.",
            },
            "QA-05": {
                "status": "Amber",
                "update": "Data cleanse paused while the data officer post is vacant.",
            },
        },
        {
            name: (june_current, october_previous)
            for name, june_current, october_previous in (
                ("% of assessments completed within 45 working days", 62, 64),
                ("% of child protection visits within 10 working days", 75, 78),
                ("% of re-referrals within 12 months", 26.2, 26.0),
                ("Average caseload per social worker (assessment teams)", 24.6, 24.6),
                ("Agency social workers as % of the workforce", 29, 28),
                ("% of audited cases graded good or better", 29, 31),
                ("% of initial child protection conferences within 15 working days", 82, 81),
                ("% of care leavers in education, employment or training", 49, 50),
            )
        },
    ),
]
