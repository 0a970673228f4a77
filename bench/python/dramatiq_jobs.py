"""The dramatiq side of scripts/compare-dramatiq.py: one actor that sums a list.

The broker and the result backend are dramatiq's own Redis classes on the Redis
named by DRAMATIQ_REDIS_URL (redis://host:port/db or unix:///path/redis.sock).
Workers run it as `dramatiq dramatiq_jobs --processes 2 --threads 8`; the
harness imports the same module to send messages and wait on their results.
"""

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.results import Results
from dramatiq.results.backends import RedisBackend

REDIS_URL = os.environ.get("DRAMATIQ_REDIS_URL", "redis://127.0.0.1:6379/0")

broker = RedisBroker(url=REDIS_URL)
broker.add_middleware(Results(backend=RedisBackend(url=REDIS_URL)))
dramatiq.set_broker(broker)


@dramatiq.actor(store_results=True, max_retries=0)
def batch_sum(numbers):
    """The counterpart of MCPStreams' batch_sum tool: the total of a list of numbers."""
    return {"total": sum(numbers), "count": len(numbers)}
