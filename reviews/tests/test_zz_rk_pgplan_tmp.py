import time
import pytest
from django.db import connection
from reviews import ranking as rk
from reviews.tests.test_ranking_page import bulk_ranked_call

pytestmark = pytest.mark.django_db

@pytest.mark.parametrize("n", [130, 500])
def test_plan(n):
    call = bulk_ranked_call(n)
    statuses = ", ".join(f"'{s.value}'" for s in rk.RANKED_STATUSES)
    sql = rk.RANKING_SQL.format(order=rk.ORDERS["final"], statuses=statuses)
    params = {"call_id": call.pk, "closest_two": 1, "fundable_from": 50}
    t = time.perf_counter()
    with connection.cursor() as c:
        c.execute("EXPLAIN ANALYZE " + sql, params)
        plan = "\n".join(r[0] for r in c.fetchall())
    print(n, time.perf_counter() - t)
    open(f"/tmp/rk/plan{n}.txt", "w").write(plan)
