from common.reports import ReportsStore


async def test_filed_reports_are_listed_newest_first_and_followed(redis_async):
    store = ReportsStore(redis_async)
    await store.add_filed("telegram:1", "1000001", "Jalan rusak", "pengaduan")
    await store.add_filed("telegram:1", "1000002", "Taman kota", "aspirasi")
    assert [r.tracking_id for r in await store.list_for("telegram:1")] == ["1000002", "1000001"]
    assert (await store.list_for("telegram:1"))[0].title == "Taman kota"
    assert await store.is_filed_by("telegram:1", "1000001")
    assert not await store.is_filed_by("telegram:2", "1000001")
    assert await store.followers("1000001") == {"telegram:1"}


async def test_unfollow_all_stops_notifications_but_keeps_the_filings(redis_async):
    store = ReportsStore(redis_async)
    await store.add_filed("whatsapp:62811", "1000003", "Sampah", "pengaduan")
    await store.follow("telegram:9", "1000003")
    await store.unfollow_all("whatsapp:62811")
    assert await store.followers("1000003") == {"telegram:9"}
    assert await store.is_filed_by("whatsapp:62811", "1000003")
