"""The scenarios/bench/twenty-thousand.ron model written with SimPy, for comparison.

Same network and rules as the actsim scenario: 18,000 clients (threshold 25) and 2,000
servers (threshold 5) arrive uniformly over 30 days, two KMS hosts with equal SRV weights,
host caching, one year. An attempt registers the CMID in the host's table (the 50 most
recently seen within 30 days), activates or renews if the count reaches the threshold and
tries again 7 days later, else 2 hours later. Grace and validity deadlines are checked
lazily at attempts, which spares SimPy an event per deadline (in its favour).

Run: python3 benches/peers/simpy_kms.py [machines]   (needs `pip install simpy`)
"""

import random
import sys
import time
from collections import OrderedDict

import simpy

DAY = 86_400
HOUR = 3_600
RETENTION = 30 * DAY
CAPACITY = 50


class Host:
    def __init__(self):
        self.table = OrderedDict()  # cmid -> last seen, least recently seen first
        self.requests = 0

    def register(self, cmid, now):
        self.requests += 1
        while self.table:
            oldest, seen = next(iter(self.table.items()))
            if seen > now - RETENTION:
                break
            self.table.popitem(last=False)
        self.table.pop(cmid, None)
        self.table[cmid] = now
        while len(self.table) > CAPACITY:
            self.table.popitem(last=False)
        return len(self.table)


def machine(env, rng, hosts, cmid, threshold, stats):
    yield env.timeout(rng.randrange(30 * DAY))
    licensed = False
    cached = None
    while True:
        host = cached if cached is not None else rng.choice(hosts)
        count = host.register(cmid, env.now)
        cached = host
        stats["attempts"] += 1
        if count >= threshold:
            licensed = True
            yield env.timeout(7 * DAY)
        else:
            yield env.timeout(2 * HOUR)


def main():
    machines = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    rng = random.Random(1)
    env = simpy.Environment()
    hosts = [Host(), Host()]
    stats = {"attempts": 0}
    servers = machines // 10
    for i in range(machines):
        threshold = 5 if i < servers else 25
        env.process(machine(env, rng, hosts, rng.getrandbits(64), threshold, stats))
    start = time.perf_counter()
    env.run(until=365 * DAY)
    wall = time.perf_counter() - start
    print(
        f"{machines} machines: {stats['attempts']} attempts in {wall:.2f} s "
        f"({stats['attempts'] / wall:,.0f} attempts/s)"
    )


if __name__ == "__main__":
    main()
