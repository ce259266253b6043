"""GovShare's catalog fields in DCAT-AP 3 (ckanext-dcat profile ``govshare_dcat_ap``).

Runs after ``euro_dcat_ap_3`` and ``euro_dcat_ap_scheming``. Standard DCAT-AP properties carry
what they can (identifier = resource code, theme = classification, access rights from the
open type, frequency from the update cycle); the rest of GB/T 21063's core metadata goes in
the ``gs:`` vocabulary, and the data items in a CSVW table schema, so that parsing the graph
gives back the same catalog entry.
"""
from __future__ import annotations

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS, XSD

import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.profiles.base import DCAT, DCT

GS = Namespace("https://govshare.github.io/ns/catalog#")
CSVW = Namespace("http://www.w3.org/ns/csvw#")
ACCESS_RIGHTS = Namespace("http://publications.europa.eu/resource/authority/access-right/")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")

OPEN_TYPE_ACCESS = {"open": "PUBLIC", "conditional": "RESTRICTED", "not_open": "NON_PUBLIC"}
UPDATE_CYCLE_FREQUENCY = {
    "realtime": "CONT", "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
    "quarterly": "QUARTERLY", "semiannual": "BIANNUAL", "yearly": "ANNUAL",
    "irregular": "IRREG", "other": "OTHER",
}
# dataset field -> gs: property, for what DCAT-AP has no property of its own
LITERAL_FIELDS = {
    "share_type": GS.shareType,
    "share_condition": GS.shareCondition,
    "share_channel": GS.shareChannel,
    "open_condition": GS.openCondition,
    "provider_code": GS.providerCode,
    "format_category": GS.formatCategory,
    "format_type": GS.formatType,
    "release_date": GS.releaseDate,
    "data_grade": GS.dataGrade,
    "sensitivity": GS.sensitivity,
    "industry": GS.industry,
    "source_system": GS.sourceSystem,
    "related_codes": GS.relatedCodes,
}
ITEM_FIELDS = {"name": CSVW.name, "type": CSVW.datatype, "code": GS.itemCode,
               "length": GS.length, "sensitive": GS.sensitive}


def classification_uri(code: str) -> URIRef:
    return URIRef(tk.url_for("govshare_classification.node", code=code, _external=True))


class GovShareDCATAPProfile(RDFProfile):

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        for prefix, namespace in (("gs", GS), ("csvw", CSVW)):
            g.bind(prefix, namespace)

        code = dataset_dict.get("resource_code")
        if code:
            g.remove((dataset_ref, DCT.identifier, None))
            g.add((dataset_ref, DCT.identifier, Literal(code)))
        if dataset_dict.get("classification"):
            self._add_theme(dataset_ref, dataset_dict["classification"])
        if dataset_dict.get("open_type") in OPEN_TYPE_ACCESS:
            g.remove((dataset_ref, DCT.accessRights, None))
            g.add((dataset_ref, DCT.accessRights,
                   ACCESS_RIGHTS[OPEN_TYPE_ACCESS[dataset_dict["open_type"]]]))
        if dataset_dict.get("update_cycle") in UPDATE_CYCLE_FREQUENCY:
            g.remove((dataset_ref, DCT.accrualPeriodicity, None))
            g.add((dataset_ref, DCT.accrualPeriodicity,
                   FREQUENCY[UPDATE_CYCLE_FREQUENCY[dataset_dict["update_cycle"]]]))
        for field, predicate in LITERAL_FIELDS.items():
            if dataset_dict.get(field):
                g.add((dataset_ref, predicate, Literal(dataset_dict[field])))
        if dataset_dict.get("data_items"):
            self._add_data_items(dataset_ref, dataset_dict["data_items"])
        for resource in dataset_dict.get("resources", []):
            if resource.get("channel_type"):
                distribution = URIRef(self._distribution_uri(resource))
                g.add((distribution, GS.channelType, Literal(resource["channel_type"])))

    def _distribution_uri(self, resource):
        from ckanext.dcat.utils import resource_uri
        return resource_uri(resource)

    def _add_theme(self, dataset_ref, code):
        theme = classification_uri(code)
        self.g.add((dataset_ref, DCAT.theme, theme))
        self.g.add((theme, RDF.type, SKOS.Concept))
        self.g.add((theme, SKOS.notation, Literal(code)))
        node = _classification_node(code)
        if node:
            self.g.add((theme, SKOS.prefLabel, Literal(node["name"], lang="zh")))
            if node["name_en"]:
                self.g.add((theme, SKOS.prefLabel, Literal(node["name_en"], lang="en")))

    def _add_data_items(self, dataset_ref, items):
        schema = BNode()
        self.g.add((dataset_ref, CSVW.tableSchema, schema))
        self.g.add((schema, RDF.type, CSVW.Schema))
        for position, item in enumerate(items, start=1):
            column = BNode()
            self.g.add((schema, CSVW.column, column))
            self.g.add((column, RDF.type, CSVW.Column))
            self.g.add((column, GS.position, Literal(position, datatype=XSD.integer)))
            for field, predicate in ITEM_FIELDS.items():
                if item.get(field) not in (None, ""):
                    self.g.add((column, predicate, Literal(item[field])))

    def parse_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        identifier = self._object_value(dataset_ref, DCT.identifier)
        if identifier:
            dataset_dict["resource_code"] = identifier
        for theme in g.objects(dataset_ref, DCAT.theme):
            notation = self._object_value(theme, SKOS.notation)
            if notation:
                dataset_dict["classification"] = notation
        access = _local_name(g.value(dataset_ref, DCT.accessRights), ACCESS_RIGHTS)
        dataset_dict.update(_reverse(OPEN_TYPE_ACCESS, access, "open_type"))
        frequency = _local_name(g.value(dataset_ref, DCT.accrualPeriodicity), FREQUENCY)
        dataset_dict.update(_reverse(UPDATE_CYCLE_FREQUENCY, frequency, "update_cycle"))
        for field, predicate in LITERAL_FIELDS.items():
            value = self._object_value(dataset_ref, predicate)
            if value:
                dataset_dict[field] = value
        items = self._data_items(dataset_ref)
        if items:
            dataset_dict["data_items"] = items
        # The provider is the harvesting source's department (owner_org), not DCAT agents;
        # the scheming profile would hand those over as fields our schema does not have.
        for agent in ("publisher", "creator", "contact"):
            if not self._schema_field(agent):
                dataset_dict.pop(agent, None)
        # the euro profile leaves the same values in extras; the schema fields now hold them
        moved = {"identifier", "access_rights", "frequency", "theme"}
        dataset_dict["extras"] = [e for e in dataset_dict.get("extras", [])
                                  if e["key"] not in moved]
        for resource in dataset_dict.get("resources", []):
            uri = resource.get("uri")
            if uri:
                channel = self._object_value(URIRef(uri), GS.channelType)
                if channel:
                    resource["channel_type"] = channel
        return dataset_dict

    def _data_items(self, dataset_ref):
        items = []
        for schema in self.g.objects(dataset_ref, CSVW.tableSchema):
            for column in self.g.objects(schema, CSVW.column):
                item = {field: self._object_value(column, predicate)
                        for field, predicate in ITEM_FIELDS.items()}
                item = {k: v for k, v in item.items() if v not in (None, "")}
                if "length" in item:
                    item["length"] = int(item["length"])
                position = self._object_value_int(column, GS.position) or 0
                items.append((position, item))
        return [item for _position, item in sorted(items, key=lambda pair: pair[0])]


def _classification_node(code):
    try:
        return tk.get_action("govshare_classification_show")({}, {"code": code})
    except tk.ObjectNotFound:
        return None


def _local_name(uri, namespace) -> str | None:
    if uri is None or not str(uri).startswith(str(namespace)):
        return None
    return str(uri)[len(str(namespace)):]


def _reverse(mapping: dict, value: str | None, field: str) -> dict:
    for key, mapped in mapping.items():
        if mapped == value:
            return {field: key}
    return {}
