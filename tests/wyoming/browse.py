"""Browses for _wyoming._tcp.local. with python-zeroconf, the library Home
Assistant discovers Wyoming services with; prints {name: port} as JSON once
NAME is found, or what was found when 10 s have passed.

    browse.py NAME
"""

import json
import sys
import time

from zeroconf import ServiceBrowser, ServiceListener, Zeroconf

SERVICE = "_wyoming._tcp.local."


class Listener(ServiceListener):
    def __init__(self):
        self.found = {}

    def add_service(self, zc, type_, name):
        info = zc.get_service_info(type_, name, 3000)
        self.found[name] = info.port if info else None

    def update_service(self, zc, type_, name):
        self.add_service(zc, type_, name)

    def remove_service(self, zc, type_, name):
        self.found.pop(name, None)


def main():
    wanted = f"{sys.argv[1]}.{SERVICE}"
    zc = Zeroconf()
    listener = Listener()
    ServiceBrowser(zc, SERVICE, listener)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and listener.found.get(wanted) is None:
        time.sleep(0.1)
    zc.close()
    print(json.dumps(listener.found))


if __name__ == "__main__":
    main()
