"""Error bodies speak both languages all the way through: no English validator text or role code
inside the Chinese message."""
from __future__ import annotations


def test_validation_problems_are_said_in_chinese(running):
    url = "/v1/cases/c_0000000000/decisions"
    r = running.client.post(url, json={"decision": "approve"}, headers=running.auth("reviewer"))
    assert r.status_code == 422 and r.json()["error"] == "invalid_request"
    msg = r.json()["message"]
    assert "缺少必填字段 reason" in msg["zh"] and "Field required" not in msg["zh"]
    assert "reason" in msg["en"] and "Field required" in msg["en"]
    r = running.client.post(url, content=b'{"decision": ', headers={**running.auth("reviewer"),
                                                                  "Content-Type": "application/json"})
    assert r.status_code == 422 and "JSON 格式错误" in r.json()["message"]["zh"]
    r = running.client.post(url, json={"decision": "approve", "reason": "ok"}, headers=running.auth("reviewer"))
    assert r.status_code == 422 and "reason 过短（至少 3）" in r.json()["message"]["zh"]
    r = running.client.post(url, json={"decision": "maybe", "reason": "looks fine"}, headers=running.auth("reviewer"))
    zh = r.json()["message"]["zh"]  # the allowed values, without pydantic's English "or"
    assert r.status_code == 422 and "字段 decision 的取值须为" in zh and "'request_more' 之一" in zh and " or " not in zh


def test_a_refused_role_is_named_in_chinese_with_the_roles_that_may(running):
    r = running.client.post("/v1/cases/c_0000000000/decisions", json={"decision": "approve", "reason": "looks fine"},
                            headers=running.auth("seller_a"))
    assert r.status_code == 403
    msg = r.json()["message"]
    assert msg["zh"].startswith("卖家角色无权执行此操作") and "审核员" in msg["zh"] and "seller" not in msg["zh"]
    assert msg["en"].startswith("A seller may not do this")

