"""
Fill deploy/nginx/strategist.conf's placeholders, and optionally write a whole
nginx.conf around it that runs as the current user in a folder of its own (the
tests and bench/run use that):

    python deploy/nginx/render.py --upstream 127.0.0.1:8000 --static-root /srv/static \\
        --media-root /srv/media --server-name www.example.org \\
        > /etc/nginx/sites-available/strategist
    python deploy/nginx/render.py --prefix /tmp/nginx-test --listen 127.0.0.1:8080 ...
        (writes /tmp/nginx-test/nginx.conf; run: nginx -p /tmp/nginx-test -c nginx.conf)
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "strategist.conf"
MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")


def site_config(
    *,
    upstream: str,
    static_root: str,
    media_root: str,
    cache_dir: str = "/var/cache/nginx/strategist",
    listen: str = "80",
    purge_listen: str = "127.0.0.1:8081",
    server_name: str = "_",
    purge_allow: tuple[str, ...] = (),
) -> str:
    """strategist.conf with its placeholders filled."""
    values = {
        "CACHE_DIR": cache_dir,
        "UPSTREAM": upstream,
        "LISTEN": listen,
        "PURGE_LISTEN": purge_listen,
        "SERVER_NAME": server_name,
        "STATIC_ROOT": static_root.rstrip("/"),
        "MEDIA_ROOT": media_root.rstrip("/"),
        "PURGE_ALLOW": " ".join(f"allow {address};" for address in purge_allow),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def standalone(prefix: Path, *, extra_http: str = "", **site) -> Path:
    """
    A complete nginx.conf in ``prefix`` (pid, logs, temp files, cache there),
    loading the purge module; returns its path. Run it with
    ``nginx -p PREFIX -c nginx.conf -g 'daemon off;'``.
    """
    prefix.mkdir(parents=True, exist_ok=True)
    for name in ("logs", "temp", "cache"):
        (prefix / name).mkdir(exist_ok=True)
    site.setdefault("cache_dir", str(prefix / "cache"))
    (prefix / "strategist.conf").write_text(site_config(**site))
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = f"""{user}load_module {MODULE};
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include {MIME_TYPES};
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    {extra_http}
    include {prefix}/strategist.conf;
}}
"""
    path = prefix / "nginx.conf"
    path.write_text(config)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", default="127.0.0.1:8000", help="gunicorn's address")
    parser.add_argument("--static-root", required=True)
    parser.add_argument("--media-root", required=True)
    parser.add_argument("--cache-dir", default="/var/cache/nginx/strategist")
    parser.add_argument("--listen", default="80")
    parser.add_argument("--purge-listen", default="127.0.0.1:8081", help="the PURGE listener")
    parser.add_argument("--server-name", default="_")
    parser.add_argument(
        "--purge-allow", action="append", default=[], help="more addresses allowed to PURGE"
    )
    parser.add_argument("--prefix", help="write a standalone nginx.conf in this folder")
    args = parser.parse_args()
    site = {
        "upstream": args.upstream,
        "static_root": args.static_root,
        "media_root": args.media_root,
        "listen": args.listen,
        "purge_listen": args.purge_listen,
        "server_name": args.server_name,
        "purge_allow": tuple(args.purge_allow),
    }
    if args.prefix:
        print(standalone(Path(args.prefix), **site))
    else:
        print(site_config(cache_dir=args.cache_dir, **site), end="")


if __name__ == "__main__":
    main()
