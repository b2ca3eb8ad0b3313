"""The vendor register: list and filter, add, edit, retire, CUECs, CSV import and export."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from wtforms import SelectField

from ..domain.errors import InvalidInput, UploadRejected
from ..domain.vendors.validation import system_names
from ..exporters.filenames import slugify
from ..models import Vendor
from ..services import vendors as service
from .access import current_membership, current_org_id, permission_required
from .forms import apply_problems, choices
from .uploads import check_upload
from .vendor_forms import CuecForm, VendorFilterForm, VendorForm, VendorImportForm

bp = Blueprint("vendors", __name__, url_prefix="/vendors")

CSV_TYPES = {
    ".csv": frozenset(
        {"text/csv", "application/vnd.ms-excel", "text/plain", "application/octet-stream"}
    )
}
MAX_CSV_BYTES = 2 * 1024 * 1024


def _today() -> date:
    return datetime.now(UTC).date()


def _index_page(
    import_form: VendorImportForm, problems: list[str], status: int = 200
) -> ResponseReturnValue:
    org_id = current_org_id()
    form = VendorFilterForm(request.args)
    rows = service.assessments(org_id)
    form.assessment.choices = choices([("", "No assessment"), *((str(a.id), a.name) for a in rows)])
    if not request.args.get("assessment") and rows:
        form.assessment.data = str(rows[0].id)
    chosen = next((a for a in rows if str(a.id) == (form.assessment.data or "")), None)
    tier = form.tier.data
    f = service.VendorFilter(  # a filter value outside its choices filters nothing
        text=(form.q.data or "").strip()[:200],
        tier=int(tier) if tier in ("1", "2", "3") else None,
        criticality=_choice(form.criticality),
        data=_choice(form.data),
        state=form.state.data if form.state.data in ("retired", "all") else "active",
        bridge_only=form.bridge.data == "1",
    )
    lines = service.vendor_lines(org_id, f, chosen, _today())
    return render_template(
        "vendors/index.html",
        form=form,
        lines=lines,
        against=chosen,
        import_form=import_form,
        import_problems=problems,
        header=",".join(service.HEADER),
    ), status


def _choice(field: SelectField) -> str:
    value = field.data or ""
    return value if value in {c.value for c in field.iter_choices()} else ""


@bp.get("/")
@permission_required("read")
def index() -> ResponseReturnValue:
    return _index_page(VendorImportForm(formdata=None), [])


def _vendor_form(**kwargs: object) -> VendorForm:
    """Return the vendor form with the organisation's inventory systems to choose from."""
    form = VendorForm(**kwargs)
    form.systems.choices = [(name, name) for name in service.system_choices(current_org_id())]
    return form


def _form_page(
    form: VendorForm, vendor: Vendor | None, status: int = 200, cuec_form: CuecForm | None = None
) -> ResponseReturnValue:
    lines = []
    if vendor is not None:
        lines = [
            (a, service.line_of(vendor, a, _today())) for a in service.assessments(current_org_id())
        ]
    return render_template(
        "vendors/form.html",
        form=form,
        vendor=vendor,
        cuec_form=cuec_form or CuecForm(formdata=None),
        lines=lines,
        line=service.line_of(vendor, None, _today()) if vendor is not None else None,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@permission_required("read")
def new() -> ResponseReturnValue:
    if request.method == "GET":
        return _form_page(_vendor_form(formdata=None), None)
    return _save(None)


@bp.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
@permission_required("read")
def edit(vendor_id: int) -> ResponseReturnValue:
    vendor = service.get(current_org_id(), vendor_id)
    if request.method == "GET":
        data = _data_of(service.record_of(vendor))
        return _form_page(_vendor_form(formdata=None, data=data), vendor)
    return _save(vendor)


@permission_required("edit")
def _save(vendor: Vendor | None) -> ResponseReturnValue:
    form = _vendor_form()
    if form.validate_on_submit():
        raw = {key: request.form.get(key, "") for key in request.form}
        raw["systems"] = "; ".join(form.systems.data or [])
        try:
            if vendor is None:
                saved = service.create(current_org_id(), raw)
            else:
                saved = service.update(current_org_id(), vendor.id, raw)
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
        else:
            flash(f"{saved.name} saved.", "success")
            return redirect(url_for("vendors.edit", vendor_id=saved.id))
    return _form_page(form, vendor, 422)


@bp.post("/<int:vendor_id>/retire")
@permission_required("edit")
def retire(vendor_id: int) -> ResponseReturnValue:
    vendor = service.retire(current_org_id(), vendor_id)
    flash(f"{vendor.name} is retired: kept for the record, hidden from the list.", "success")
    return redirect(url_for("vendors.index"))


@bp.post("/<int:vendor_id>/reinstate")
@permission_required("edit")
def reinstate(vendor_id: int) -> ResponseReturnValue:
    vendor = service.reinstate(current_org_id(), vendor_id)
    flash(f"{vendor.name} is back in the register.", "success")
    return redirect(url_for("vendors.edit", vendor_id=vendor.id))


@bp.post("/<int:vendor_id>/cuecs")
@permission_required("edit")
def add_cuec(vendor_id: int) -> ResponseReturnValue:
    vendor = service.get(current_org_id(), vendor_id)
    form = CuecForm()
    if form.validate():
        try:
            cuec = service.add_cuec(
                current_org_id(),
                vendor.id,
                form.description.data or "",
                form.control_ref.data or "",
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
        else:
            flash(f"User-entity control mapped to {cuec.control_ref}.", "success")
            return redirect(url_for("vendors.edit", vendor_id=vendor.id, _anchor="cuecs"))
    data = _data_of(service.record_of(vendor))
    return _form_page(_vendor_form(formdata=None, data=data), vendor, 422, cuec_form=form)


def _data_of(record: service.VendorRecord) -> dict[str, str]:
    f, r = record.facts, record.report
    return {
        "name": f.name,
        "service": f.service,
        "systems": system_names(f.systems),
        "data": f.data,
        "criticality": f.criticality,
        "tier_override": str(f.tier_override or ""),
        "override_reason": f.override_reason,
        "last_assessed": f.last_assessed.isoformat() if f.last_assessed else "",
        "contingency_plan": f.contingency,
        "report_kind": r.kind,
        "report_period_start": r.period_start.isoformat() if r.period_start else "",
        "report_period_end": r.period_end.isoformat() if r.period_end else "",
        "report_date": r.report_date.isoformat() if r.report_date else "",
        "report_exceptions": r.exceptions,
        "notes": f.notes,
    }


@bp.post("/cuecs/<int:cuec_id>/remove")
@permission_required("edit")
def remove_cuec(cuec_id: int) -> ResponseReturnValue:
    cuec = service.remove_cuec(current_org_id(), cuec_id)
    flash(f"User-entity control mapped to {cuec.control_ref} removed.", "success")
    return redirect(url_for("vendors.edit", vendor_id=cuec.vendor_id, _anchor="cuecs"))


@bp.get("/export.csv")
@permission_required("export")
def export_csv() -> ResponseReturnValue:
    membership = current_membership()
    assert membership is not None
    name = f"{slugify(membership.organization.name, 'organisation')}-vendors.csv"
    return Response(
        service.export_csv(membership.organization_id),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/import")
@permission_required("edit")
def import_csv() -> ResponseReturnValue:
    form = VendorImportForm()
    if not form.validate():
        return _index_page(form, ["The form expired; reload the page and try again."], 400)
    upload = request.files.get("file")
    try:
        check_upload(upload, CSV_TYPES, MAX_CSV_BYTES)
        assert upload is not None
        added, updated = service.import_csv(current_org_id(), upload.stream.read())
    except service.CsvRefused as exc:
        lines = [str(p) for p in exc.problems]
        return _index_page(form, ["The file was refused; nothing was changed.", *lines], 422)
    except UploadRejected as exc:
        return _index_page(form, [str(exc)], 422)
    flash(f"Vendors imported: {added} added, {updated} updated.", "success")
    return redirect(url_for("vendors.index"))
