"""The system inventory: list and filter, add, edit, retire and restore, CSV export and import."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..domain.errors import InvalidInput, UploadRejected
from ..domain.inventory.csvfile import HEADER
from ..domain.inventory.model import CLASSIFICATIONS, KINDS, ROLES, placeholder_values
from ..exporters.filenames import slugify
from ..services import inventory as service
from .access import current_membership, current_org_id, permission_required
from .forms import apply_problems
from .inventory_forms import ImportForm, InventoryFilterForm, SystemForm, entry_from_form
from .uploads import check_upload

bp = Blueprint("inventory", __name__)
CSV_TYPES = frozenset(
    {
        "text/csv",
        "text/plain",
        "application/csv",
        "application/vnd.ms-excel",
        "application/octet-stream",
    }
)
MAX_CSV_BYTES = 1024 * 1024


def _filter(form: InventoryFilterForm) -> service.InventoryFilter:
    yes_no = {"yes": True, "no": False}
    return service.InventoryFilter(
        kind=form.kind.data if form.kind.data in KINDS else None,
        in_scope=yes_no.get(form.in_scope.data or ""),
        retired=yes_no.get(form.retired.data or "no") if form.retired.data != "any" else None,
    )


def _index_page(
    import_form: ImportForm, status: int = 200, problems: list[str] | None = None
) -> ResponseReturnValue:
    org_id = current_org_id()
    filters = InventoryFilterForm(request.args)
    filters.validate()
    everything = service.list_systems(org_id, service.InventoryFilter(retired=None))
    shown = service.list_systems(org_id, _filter(filters))
    membership = current_membership()
    return render_template(
        "inventory/index.html",
        systems=shown,
        total=len(everything),
        filters=filters,
        import_form=import_form,
        problems=problems or [],
        filled=placeholder_values(everything),
        roles=ROLES,
        kinds=KINDS,
        classifications=CLASSIFICATIONS,
        header=",".join(HEADER),
        org=membership.organization if membership else None,
    ), status


@bp.get("/org/systems")
@permission_required("read")
def index() -> ResponseReturnValue:
    return _index_page(ImportForm(formdata=None))


def _form_page(form: SystemForm, system_id: int | None, status: int) -> ResponseReturnValue:
    return render_template("inventory/edit.html", form=form, system_id=system_id), status


@bp.route("/org/systems/new", methods=["GET", "POST"])
@permission_required("edit")
def new() -> ResponseReturnValue:
    form = SystemForm()
    if not form.is_submitted():
        return _form_page(form, None, 200)
    if form.validate():
        try:
            row = service.save_system(current_org_id(), entry_from_form(form.data))
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
        else:
            flash(f"{row.name} is in the inventory.", "success")
            return redirect(url_for("inventory.index"))
    return _form_page(form, None, 422)


@bp.route("/org/systems/<int:system_id>/edit", methods=["GET", "POST"])
@permission_required("edit")
def edit(system_id: int) -> ResponseReturnValue:
    org_id = current_org_id()
    current = service.get_system(org_id, system_id)  # another organisation's: 404
    if request.method == "GET":
        form = SystemForm(
            formdata=None,
            data={
                "name": current.name,
                "kind": current.kind,
                "owner": current.owner,
                "classification": current.classification,
                "in_scope": current.in_scope,
                "roles": list(current.roles),
                "notes": current.notes,
            },
        )
        return _form_page(form, system_id, 200)
    form = SystemForm()
    if form.validate():
        try:
            row = service.save_system(org_id, entry_from_form(form.data, system_id))
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
        else:
            flash(f"{row.name} is saved.", "success")
            return redirect(url_for("inventory.index"))
    return _form_page(form, system_id, 422)


@bp.post("/org/systems/<int:system_id>/retire")
@permission_required("edit")
def retire(system_id: int) -> ResponseReturnValue:
    row = service.set_retired(current_org_id(), system_id, True)
    flash(
        f"{row.name} is retired: it stays in the history and fills no placeholder now.", "success"
    )
    return redirect(url_for("inventory.index"))


@bp.post("/org/systems/<int:system_id>/restore")
@permission_required("edit")
def restore(system_id: int) -> ResponseReturnValue:
    row = service.set_retired(current_org_id(), system_id, False)
    flash(f"{row.name} is active again; mark the placeholders it fills if any.", "success")
    return redirect(url_for("inventory.index"))


@bp.get("/org/systems.csv")
@permission_required("export")
def export() -> ResponseReturnValue:
    membership = current_membership()
    assert membership is not None
    name = slugify(f"{membership.organization.name} systems", "systems")
    return Response(
        service.export_csv(membership.organization_id).encode("utf-8-sig"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@bp.post("/org/systems/import")
@permission_required("edit")
def import_csv() -> ResponseReturnValue:
    form = ImportForm()
    if not form.validate():
        return _index_page(form, 422, ["The form expired; upload the file again."])
    upload = request.files.get("file")
    try:
        check_upload(upload, {".csv": CSV_TYPES}, MAX_CSV_BYTES)
        assert upload is not None
        added, updated = service.import_csv(current_org_id(), upload.stream.read())
    except UploadRejected as exc:
        return _index_page(form, 413 if exc.too_large else 422, [str(exc)])
    except service.ImportRefused as exc:
        lines = [str(p) for p in exc.file_problems]
        return _index_page(form, 422, ["The file was refused whole; nothing was saved.", *lines])
    finally:
        if upload is not None:
            upload.close()
    flash(f"Imported: {added} system(s) added, {updated} updated.", "success")
    return redirect(url_for("inventory.index"))
