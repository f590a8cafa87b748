"""The embedded default cache: one SQLite file shared by every process of the machine."""

import multiprocessing
import time

import pytest

from ops.checks import shared_cache_check
from sitecache.backends import SQLiteCache


def open_cache(path, **options):
    return SQLiteCache(str(path), {"OPTIONS": options})


def test_values_round_trip_with_their_types(tmp_path):
    cache = open_cache(tmp_path / "c.sqlite3")
    values = {"int": 7, "big": 2**70, "bool": True, "none_list": [None], "tuple": (1, "a", b"x"), "text": "ё"}
    cache.set_many(values)
    assert cache.get_many(list(values) + ["absent"]) == values
    assert type(cache.get("bool")) is bool


def test_add_only_adds_a_missing_or_expired_key(tmp_path):
    cache = open_cache(tmp_path / "c.sqlite3")
    assert cache.add("k", 1)
    assert not cache.add("k", 2)
    assert cache.get("k") == 1
    cache.set("old", "x", timeout=0.01)
    time.sleep(0.05)
    assert cache.get("old") is None and not cache.has_key("old")
    assert cache.add("old", "y")
    assert cache.get("old") == "y"


def test_add_many_adds_what_is_missing_or_expired_and_says_what_each_key_holds(tmp_path):
    cache = open_cache(tmp_path / "c.sqlite3")
    cache.set("kept", 1, timeout=None)
    cache.set("old", "x", timeout=0.01)
    time.sleep(0.05)
    assert cache.add_many({"kept": 2, "old": 3, "new": 4}, timeout=None) == {"kept": 1, "old": 3, "new": 4}
    assert cache.get_many(["kept", "old", "new"]) == {"kept": 1, "old": 3, "new": 4}
    assert cache.incr("new") == 5  # kept as an integer: a topic's version moves by one UPDATE


def test_incr_counts_and_refuses_what_it_cannot_count(tmp_path):
    cache = open_cache(tmp_path / "c.sqlite3")
    cache.set("n", 41)
    assert cache.incr("n") == 42
    assert cache.decr("n", 2) == 40
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set("text", "a")
    with pytest.raises(TypeError):
        cache.incr("text")


def test_delete_touch_clear_and_bad_keys(tmp_path):
    cache = open_cache(tmp_path / "c.sqlite3")
    cache.set_many({"a": 1, "b": 2, "c": 3})
    assert cache.delete("a") and not cache.delete("a")
    cache.delete_many(["b"])
    assert cache.touch("c", timeout=None) and not cache.touch("b")
    cache.clear()
    assert cache.get_many(["a", "b", "c"]) == {}
    cache.set("ключ:1", "any alphabet")
    assert cache.get("ключ:1") == "any alphabet"


def test_entries_beyond_the_maximum_are_culled_soonest_expiring_first(tmp_path):
    cache = open_cache(tmp_path / "c.sqlite3", MAX_ENTRIES=50, CULL_EVERY=10)
    cache.set("keep", "forever", timeout=None)
    for n in range(120):
        cache.set(f"k{n}", n, timeout=60 + n)
    count = cache._connection().execute("SELECT COUNT(*) FROM cache").fetchone()[0]
    assert count <= 50
    assert cache.get("keep") == "forever" and cache.get("k119") == 119 and cache.get("k0") is None


def _count(path, times):
    cache = open_cache(path)
    for _ in range(times):
        cache.incr("hits")


def test_processes_share_one_atomic_count(tmp_path):
    path = tmp_path / "c.sqlite3"
    open_cache(path).set("hits", 0)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_count, args=(path, 150)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert open_cache(path).get("hits") == 600


def test_the_file_is_readable_by_the_sites_user_only(tmp_path):
    path = tmp_path / "private" / "c.sqlite3"
    open_cache(path).set("k", 1)
    assert path.stat().st_mode & 0o077 == 0


def test_check_deploy_warns_about_a_per_process_cache(settings):
    assert shared_cache_check(None) == []  # the shipped default
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    [warning] = shared_cache_check(None)
    assert warning.id == "magazine.W001" and "one process" in warning.msg
