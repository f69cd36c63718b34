"""A contract type for import-linter: capabilities call each other only through their public modules.

Registered in ``.importlinter`` (``contract_types``) and run by ``lint-imports``. For every *direct* import
from one capability into another (``township.approval.services`` → ``township.catalog.selectors``), the
first module name under the imported capability must be one of ``public`` (``services``, ``selectors``);
``township.catalog.forms`` or ``township.catalog.rules`` are that capability's own business. A ``services``
or ``selectors`` *package* counts as public with everything in it. Importers under one of ``unchecked``
(``tests``, ``migrations``) are not checked: tests may seed and inspect any app. Imports inside one
capability, and imports of the engine and the ground, are other contracts' business.

Built-in contract types cannot say "anything but these" (``forbidden`` lists what is forbidden, not what
is allowed), hence this one; it is small on purpose.
"""

from __future__ import annotations

from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.application.contract_utils import AlertLevel


class CapabilityApiContract(Contract):
    type_name = "capability_api"

    capabilities = fields.ListField(subfield=fields.ModuleField())
    public = fields.ListField(subfield=fields.StringField())
    unchecked = fields.ListField(subfield=fields.StringField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)
    broken_contract_guidance = fields.TextField(required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        capabilities = [m.name for m in self.capabilities]  # type: ignore[attr-defined]
        public = set(self.public)  # type: ignore[call-overload]
        unchecked = set(self.unchecked or ())  # type: ignore[call-overload]
        for name in capabilities:
            if name not in graph.modules:
                raise ValueError(f"Module '{name}' does not exist.")

        def owner(module: str) -> str | None:
            return next((c for c in capabilities if module == c or module.startswith(c + ".")), None)

        def first_part(module: str, package: str) -> str:
            return module[len(package) + 1 :].split(".")[0]

        broken: list[dict[str, Any]] = []
        for capability in capabilities:
            importers = sorted({capability} | graph.find_descendants(capability))
            for importer in importers:
                if first_part(importer, capability) in unchecked:
                    continue
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    target = owner(imported)
                    if target is None or target == capability or first_part(imported, target) in public:
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = tuple(d["line_number"] for d in details)
                    broken.append({"importer": importer, "imported": imported, "line_numbers": lines})
                    output.verbose_print(verbose, f"{importer} -> {imported} is not through {sorted(public)}")

        return ContractCheck(
            kept=not broken,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"broken": broken},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        allowed = " or ".join(sorted(self.public))  # type: ignore[call-overload]
        for item in check.metadata["broken"]:
            lines = ", ".join(f"l.{n}" for n in item["line_numbers"])
            output.print_error(f"{item['importer']} -> {item['imported']} ({lines})", bold=False)
        output.new_line()
        output.print_error(f"Another capability is reached only through its {allowed}.", bold=False)
        contract_utils.render_broken_contract_guidance(self.broken_contract_guidance)  # type: ignore[arg-type]
