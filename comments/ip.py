"""The client's IP address, trusting X-Forwarded-For only behind known proxies."""

import ipaddress

from django.conf import settings


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def get_client_ip(request) -> str | None:
    """
    REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT is N > 0: then the site
    sits behind N proxies that each append the address they saw to
    X-Forwarded-For, so the client is the N-th address from the right. Anything
    left of it was written by the client and is ignored. When the header holds
    fewer addresses than expected, or an invalid one, REMOTE_ADDR is used.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return _valid_ip(forwarded[-proxies]) or remote
