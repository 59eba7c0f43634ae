"""The appendices: the whole plan by section on landscape pages, and the data-quality list."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT, WD_SECTION

from generator.common.plurals import plural
from generator.common.ukdates import uk_date
from generator.findings import Finding
from generator.model.plan import Action
from generator.render.context import Context
from generator.render.tables import DATE_CM, REF_CM, STATUS_CM, TEXT_CM, Column

# Finding messages can quote cell values, which may hold characters Word cannot.


def landscape_pages(ctx: Context) -> None:
    """Start a new landscape section (headers and footers carry on from the portrait pages).

    A template's different first-page header (a letterhead) belongs to the report's first
    page, not to the appendix's: the landscape section has none.
    """
    section = ctx.document.add_section(WD_SECTION.NEW_PAGE)
    section.different_first_page_header_footer = False
    if section.orientation != WD_ORIENT.LANDSCAPE:
        width, height = section.page_width, section.page_height
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width


def whole_plan(ctx: Context, letter: str) -> None:
    """Appendix: every action, section by section, status shaded and named."""
    ctx.heading(f"Appendix {letter}: the improvement plan in full", numbered=False)
    ctx.paragraph(
        f"Every action in the plan at {uk_date(ctx.as_of)}, in the order of the plan's "
        "sections. The due date is the date first planned; a revised due date is shown "
        "where one was set, and the date an action was completed where it has been. Partners "
        "are named under the lead, and evidence of impact under the progress update."
    )
    columns = [
        Column("Ref", 0, minimum_cm=REF_CM),
        Column("Action", 6.0, minimum_cm=TEXT_CM),
        Column("Lead and partners", 3.2, minimum_cm=TEXT_CM),
        Column("Due date", 0, minimum_cm=DATE_CM),
        Column("Revised due date", 0, minimum_cm=DATE_CM),
        Column("Completed", 0, minimum_cm=DATE_CM),
        Column("Status", 0, "center", minimum_cm=STATUS_CM),
        Column("Progress update and evidence of impact", 8.9, minimum_cm=TEXT_CM),
    ]
    sections = {section.name: section for section in ctx.plan.sections}
    clean = ctx.clean

    def lead_and_partners(a: Action) -> str:
        partners = clean(a.partners).strip()
        lead = clean(a.lead)
        return f"{lead}\nPartners: {partners}" if partners else lead

    def progress_and_evidence(a: Action) -> str:
        update = clean(a.progress_update)
        evidence = clean(a.evidence_of_impact).strip()
        if not evidence:
            return update
        return (
            f"{update}\nEvidence of impact: {evidence}"
            if update
            else (f"Evidence of impact: {evidence}")
        )

    for name, actions in ctx.plan.actions_by_section().items():
        title = ctx.clean(name) or "No section"
        ctx.heading(title, 2, numbered=False)
        section = sections.get(name)
        lead = ctx.clean(section.lead) if section else ""
        about = [plural(len(actions), "action")]
        if lead:
            about.append(f"section lead: {lead}")
        # A section's heading and count stay on the page where its table starts; its
        # commentary is in the body, under "Progress by section".
        ctx.paragraph("; ".join(about) + ".", keep_with_next=True)
        if not actions:
            continue
        ctx.table(
            columns,
            (
                [
                    clean(a.ref),
                    clean(a.action),
                    lead_and_partners(a),
                    uk_date(a.due_date) or clean(a.no_date_reason),
                    # A revised date that names no day is shown as typed, in its own column.
                    uk_date(a.revised_due_date) or (clean(a.no_date_reason) if a.due_date else ""),
                    uk_date(a.completed_date),
                    ctx.status(a.status),
                    progress_and_evidence(a),
                ]
                for a in actions
            ),
            caption=f"Actions in the section {title}",
        )
        ctx.paragraph()


def data_quality_note(ctx: Context, errors: list[Finding], appendix: str) -> None:
    """A short numbered section saying the figures come from a workbook with errors."""
    ctx.heading("Data quality")
    ctx.numbered(
        f"This report was produced from a workbook with {plural(len(errors), 'error')} that "
        "the plan's rules would normally stop a report for. The figures include the affected "
        f"rows as they stand, so some may be incomplete or wrong. Appendix {appendix} lists "
        "each error and where to find it."
    )


def data_quality_appendix(ctx: Context, errors: list[Finding], letter: str) -> None:
    """Appendix: every error, located to the cell, in plain English."""
    ctx.heading(f"Appendix {letter}: data-quality errors", numbered=False)
    ctx.paragraph("Errors found in the workbook when this report was produced.")

    def where(finding: Finding) -> str:
        place = f"{finding.sheet}!{finding.cell}" if finding.cell else finding.sheet
        return ctx.clean(place)

    ctx.table(
        [
            Column("Where", 0, minimum_cm=2.6),
            Column("Ref", 0, minimum_cm=REF_CM),
            Column("Column", 0, minimum_cm=TEXT_CM),
            Column("Problem", 1.0, minimum_cm=TEXT_CM),
        ],
        (
            [
                where(f),
                ctx.clean(f.ref),
                ctx.clean(f.column),
                ctx.clean(_sentence(f.message)),
            ]
            for f in errors
        ),
        caption="Data-quality errors",
    )
    ctx.paragraph()


def _sentence(message: str) -> str:
    """A finding's message as it stands alone in a table: with a capital letter."""
    return message[:1].upper() + message[1:]
