"""A department node's CKAN Action API, as the harvester sees it: authenticated with the
node-issued token, paged, and with every failure turned into one plain sentence."""
from __future__ import annotations

import json
from typing import Any, Iterator

import requests

import ckan.plugins.toolkit as tk

PAGE_SIZE = 1000
TIMEOUT = (10, 120)  # seconds to connect, to read


class NodeError(Exception):
    """The node could not be asked or its answer could not be used; str() says which."""


class NodeClient:
    def __init__(self, base_url: str, api_token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        if api_token:
            self.session.headers["Authorization"] = api_token
        self.session.headers["User-Agent"] = "GovShare-exchange"

    def action(self, name: str, **params: Any) -> Any:
        url = f"{self.base_url}/api/3/action/{name}"
        try:
            response = self.session.post(url, json=params, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise NodeError(tk._("The node at {url} could not be reached: {error}").format(
                url=self.base_url, error=_short(error))) from None
        try:
            body = response.json()
        except ValueError:
            raise NodeError(tk._("The node answered {action} with malformed JSON "
                                 "(HTTP {status})").format(action=name,
                                                           status=response.status_code)) from None
        if not isinstance(body, dict) or "success" not in body:
            raise NodeError(tk._("The node's answer to {action} is not a CKAN API "
                                 "response").format(action=name))
        if not body["success"]:
            error = body.get("error") or {}
            raise NodeError(tk._("The node refused {action} (HTTP {status}): {message}").format(
                action=name, status=response.status_code,
                message=error.get("message") or json.dumps(error, ensure_ascii=False)))
        return body["result"]

    def search(self, fl: list[str] | None = None) -> Iterator[dict]:
        """Every entry the token's user can see (private ones included), page by page,
        in a stable order so paging does not skip or repeat entries."""
        start = 0
        while True:
            params = {"q": "*:*", "rows": PAGE_SIZE, "start": start, "sort": "id asc",
                      "include_private": True}
            if fl:
                params["fl"] = fl
            result = self.action("package_search", **params)
            if not isinstance(result, dict) or not isinstance(result.get("results"), list):
                raise NodeError(tk._("The node's package_search result has no results list"))
            yield from result["results"]
            start += PAGE_SIZE
            if start >= int(result.get("count", 0)):
                return

    def package(self, remote_id: str) -> dict:
        result = self.action("package_show", id=remote_id)
        if not isinstance(result, dict) or result.get("id") != remote_id:
            raise NodeError(tk._("The node's package_show did not return entry {id}").format(
                id=remote_id))
        return result

    def download(self, url: str, stream: bool = True) -> requests.Response:
        """A resource file; only addresses on the node itself get the token."""
        headers = {} if self.owns(url) else {"Authorization": None}  # None drops it
        try:
            response = self.session.get(url, stream=stream, timeout=TIMEOUT, headers=headers)
        except requests.RequestException as error:
            raise NodeError(tk._("The file at {url} could not be fetched: {error}").format(
                url=url, error=_short(error))) from None
        if response.status_code != 200:
            response.close()
            raise NodeError(tk._("The node answered HTTP {status} for the file at "
                                 "{url}").format(status=response.status_code, url=url))
        return response

    def owns(self, url: str) -> bool:
        return url.startswith(self.base_url + "/")


def _short(error: Exception) -> str:
    """requests' messages nest the whole cause chain; the innermost reason is what helps."""
    text = str(error)
    return text.rsplit(": ", 1)[-1].rstrip(")'\"") if len(text) > 160 else text
