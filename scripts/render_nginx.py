"""Render the web front's nginx config (deploy/nginx/meldpunt.conf.template) for a local nginx.

The compose stack renders the same template with the nginx image's own envsubst step; this does the
same substitution, and only of the template's ${MELDPUNT_NGINX_*} names (nginx's own `$name`
variables are left alone), for `make run-scaled` and the tests:

    python scripts/render_nginx.py --out var/run/scaled/nginx --listen 127.0.0.1:8080 \
        --rasa 127.0.0.1:5005 --rasa 127.0.0.1:5006 --api 127.0.0.1:8000 \
        --access-log var/log/scaled/nginx-access.log --error-log var/log/scaled/nginx-error.log

writes OUT/meldpunt.conf (the rendered template) and OUT/nginx.conf (a main config around it with
its pid file and temporary folders in OUT), and prints the path of nginx.conf. Start nginx with
`nginx -p OUT -c OUT/nginx.conf -e ERROR_LOG -g 'daemon off;'`. Standard library only.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx" / "meldpunt.conf.template"
# What the nginx image's envsubst step substitutes, given NGINX_ENVSUBST_FILTER=^MELDPUNT_NGINX_.
PREFIX = "MELDPUNT_NGINX_"
VARIABLE = re.compile(r"\$\{(" + PREFIX + r"[A-Z0-9_]+)\}")


class RenderError(ValueError):
    """A template variable without a value, or a value given for no variable."""


def variables(template: str) -> set[str]:
    """The ${MELDPUNT_NGINX_*} names the template uses."""
    return set(VARIABLE.findall(template))


def render(template: str, values: Mapping[str, str]) -> str:
    """The template with every ${MELDPUNT_NGINX_*} replaced; every one must have a value."""
    missing = sorted(variables(template) - set(values))
    if missing:
        raise RenderError(f"no value for {', '.join(missing)}")
    unused = sorted(set(values) - variables(template))
    if unused:
        raise RenderError(f"the template does not use {', '.join(unused)}")
    return VARIABLE.sub(lambda match: values[match.group(1)], template)


def servers(addresses: Sequence[str]) -> str:
    """An upstream's server lines, on one line: `server 127.0.0.1:5005; server 127.0.0.1:5006;`."""
    if not addresses:
        raise RenderError("an upstream needs at least one server")
    return " ".join(f"server {address};" for address in addresses)


def site_values(
    *, listen: str, rasa: Sequence[str], api: str, access_log: str, error_log: str
) -> dict[str, str]:
    return {
        f"{PREFIX}LISTEN": listen,
        f"{PREFIX}RASA_SERVERS": servers(rasa),
        f"{PREFIX}API_SERVER": servers([api]),
        f"{PREFIX}ACCESS_LOG": access_log,
        f"{PREFIX}ERROR_LOG": error_log,
    }


def main_config(out: Path, site: Path, error_log: str) -> str:
    """A main nginx.conf for a local nginx: everything it writes stays in `out` and the logs."""
    temp = "\n".join(
        f"    {kind}_temp_path {out / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# Written by scripts/render_nginx.py for a local nginx; not edited by hand.
worker_processes 1;
pid {out / "nginx.pid"};
error_log {error_log} crit;

events {{
    worker_connections 1024;
}}

http {{
    default_type application/octet-stream;
{temp}
    include {site};
}}
"""


def write(
    out: Path,
    *,
    listen: str,
    rasa: Sequence[str],
    api: str,
    access_log: str,
    error_log: str,
    template: Path = TEMPLATE,
) -> Path:
    """Render the site and its main config into `out`; returns the path of nginx.conf."""
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    values = site_values(listen=listen, rasa=rasa, api=api, access_log=access_log, error_log=error_log)
    site = out / "meldpunt.conf"
    site.write_text(render(template.read_text(encoding="utf-8"), values), encoding="utf-8")
    main = out / "nginx.conf"
    main.write_text(main_config(out, site, error_log), encoding="utf-8")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for nginx.conf and its state")
    parser.add_argument("--listen", required=True, help="address:port nginx listens on")
    parser.add_argument("--rasa", action="append", required=True, help="a Rasa server, host:port")
    parser.add_argument("--api", required=True, help="the Meldpunt API, host:port")
    parser.add_argument("--access-log", required=True)
    parser.add_argument("--error-log", required=True)
    args = parser.parse_args(argv)
    main_conf = write(
        args.out,
        listen=args.listen,
        rasa=args.rasa,
        api=args.api,
        access_log=str(Path(args.access_log).resolve()),
        error_log=str(Path(args.error_log).resolve()),
    )
    print(main_conf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
