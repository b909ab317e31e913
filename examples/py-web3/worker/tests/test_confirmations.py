from worker.confirmations import REQUIRED_CONFIRMATIONS, poll_seconds, progress


def test_not_mined_yet_stays_submitted():
    assert progress(None, False, head=100).status == "submitted"


def test_reverted_transaction_is_failed():
    assert progress(90, False, head=100).status == "failed"


def test_confirmed_after_required_depth():
    mined = 100
    head = mined + REQUIRED_CONFIRMATIONS - 1
    result = progress(mined, True, head)
    assert result.status == "confirmed"
    assert result.confirmations == REQUIRED_CONFIRMATIONS


def test_shallow_receipt_is_still_submitted():
    assert progress(100, True, head=100).status == "submitted"


def test_poll_seconds_covers_the_minute():
    assert poll_seconds(15) == {0, 15, 30, 45}
    assert poll_seconds(0) == set(range(60))
    assert poll_seconds(600) == {0}
