using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Jockey.ApiService.Events;
using Jockey.ApiService.Streaming;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Jockey.Tests.Api;

/// <summary>A replica's live feed on a real Redis: what a watcher that does not read is left holding, and what watchers share.</summary>
public sealed class LiveFeedTests : IAsyncLifetime
{
    private RedisAlone? _store;
    private ConnectionMultiplexer? _redis;
    private LiveFeed? _feed;
    private MemoryReducer? _reducer;
    // The feed's clock for its grace after a break: it moves only when a test moves it.
    private readonly FakeTimeProvider _time = new();

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>A real Redis and a feed on it whose ping clock never ticks during a test: a ping would take an event's place in a full watch.</summary>
    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _store = await RedisAlone.StartAsync(ct);
        _redis = _store.Redis;
        // No memory reduction: a collection's pause has nothing to do with what these tests check.
        _reducer = new MemoryReducer(Options.Create(new MemoryReducerOptions { AfterConnections = 0 }), TimeProvider.System, NullLogger<MemoryReducer>.Instance);
        _feed = new LiveFeed(_redis, Options.Create(new EventLogOptions { PingInterval = TimeSpan.FromMinutes(5), BreakGrace = Grace }), _reducer, _time,
            NullLogger<LiveFeed>.Instance);
        await _feed.StartAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_feed is not null) await _feed.StopAsync(CancellationToken.None);
        _reducer?.Dispose();
        if (_store is not null) await _store.DisposeAsync();
    }

    [Fact]
    public void A_watch_that_is_not_read_keeps_only_the_newest_events()
    {
        using var watch = _feed!.Watch("stalled-thread", TestContext.Current.CancellationToken);

        var published = LiveFeed.WatchCapacity * 4;
        for (var seq = 1; seq <= published; seq++) watch.Offer(LiveEvent.Of(new StoredEvent(seq, $"{{\"seq\":{seq}}}")));

        var kept = new List<long>();
        while (watch.TryRead(out var ev)) kept.Add(ev.Stored.Seq);
        Assert.Equal(Enumerable.Range(published - LiveFeed.WatchCapacity + 1, LiveFeed.WatchCapacity).Select(s => (long)s), kept);
    }

    [Fact]
    public async Task Every_watch_of_a_thread_gets_its_events_in_order_however_many_relays_carry_them()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(30));
        var watches = Enumerable.Range(0, Relay.Size * 2 + 1).Select(_ => _feed!.Watch("thread", ct)).ToList();
        try
        {
            foreach (var seq in Enumerable.Range(1, 5)) await PublishAsync("thread", seq);
            foreach (var watch in watches)
            {
                var got = new List<long>();
                while (got.Count < 5) got.Add((await ReadAsync(watch, deadline)).Stored.Seq);
                Assert.Equal([1, 2, 3, 4, 5], got);
            }
        }
        finally
        {
            foreach (var watch in watches) watch.Dispose();
        }
    }

    [Fact]
    public async Task When_the_host_starts_stopping_every_watch_ends_after_what_it_holds_and_new_ones_come_ended()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(30));
        var (redis, feed) = (_redis!, _feed!);
        using var watch = feed.Watch("thread", ct);
        await redis.GetSubscriber().PublishAsync(RedisKeys.EventsChannel, "thread\n1\n{\"seq\":1}");
        Assert.True(await WaitAsync(watch.WaitToReadAsync(), deadline));

        await feed.StoppingAsync(ct);
        using var late = feed.Watch("thread", ct);

        Assert.Equal(1, (await ReadAsync(watch, deadline)).Stored.Seq);
        Assert.False(await WaitAsync(watch.WaitToReadAsync(), deadline));
        Assert.False(await WaitAsync(late.WaitToReadAsync(), deadline));
    }

    [Fact]
    public async Task When_its_subscription_stays_broken_past_the_grace_every_watch_ends_after_what_it_holds_with_the_break_as_its_reason_never_thrown()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(30));
        var (redis, feed) = (_redis!, _feed!);
        var holding = feed.Watch("held", ct);
        var watches = Enumerable.Range(0, 100).Select(i => feed.Watch($"thread-{i}", ct)).Prepend(holding).ToList();
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisKeys.EventsChannel, "held\n1\n{\"seq\":1}");
            Assert.True(await WaitAsync(holding.WaitToReadAsync(), deadline));
            var waiting = watches.Skip(1).Select(watch => watch.WaitToReadAsync().AsTask()).ToList();

            // Redis refuses to let the feed subscribe again, so nothing brings it back within the grace.
            await _store!.RefuseSubscribeAsync(true);
            Assert.True(await _store.DropSubscriptionsAsync() > 0, "Redis had no subscription connection to drop.");
            await WaitUntilAsync(() => !feed.IsLive, deadline);
            Assert.All(waiting, wait => Assert.False(wait.IsCompleted));
            // The grace runs out. The feed arms it as it sees the break, just after it turns deaf: moved on until it has.
            while (!Task.WhenAll(waiting).IsCompleted)
            {
                _time.Advance(Grace);
                await Task.Delay(TimeSpan.FromMilliseconds(20), deadline);
            }

            // Woken, each finds nothing to read and then the end.
            await Task.WhenAll(waiting).WaitAsync(deadline);
            foreach (var watch in watches.Skip(1))
            {
                Assert.False(watch.TryRead(out _));
                Assert.False(await WaitAsync(watch.WaitToReadAsync(), deadline));
            }
            Assert.Equal(1, (await ReadAsync(holding, deadline)).Stored.Seq);
            Assert.False(await WaitAsync(holding.WaitToReadAsync(), deadline));
            var reason = Assert.IsType<RedisConnectionException>(holding.EndedBy);
            Assert.StartsWith("Live events are not reaching this replica", reason.Message, StringComparison.Ordinal);
            // One error ends every watch of the replica, and is never thrown: thrown on each stream's thread, the one
            // object grew its stack trace with every throw (1.6 MB a stream with 10,000 open, docs/benchmarks.md).
            Assert.All(watches, watch => Assert.Same(reason, watch.EndedBy));
            Assert.Null(reason.StackTrace);
        }
        finally
        {
            await _store!.RefuseSubscribeAsync(false);
            foreach (var watch in watches) watch.Dispose();
        }
    }

    [Fact]
    public async Task Through_a_break_heard_again_within_the_grace_every_watch_stays_open_and_gets_what_was_published_meanwhile_once_in_order()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(30));
        var (redis, feed) = (_redis!, _feed!);
        var caught = Enumerable.Range(0, Relay.Size + 1).Select(_ => feed.Watch("caught", ct)).ToList();
        using var quiet = feed.Watch("quiet", ct);
        try
        {
            await PublishAsync("caught", 1);
            foreach (var watch in caught)
            {
                Assert.Equal(1, (await ReadAsync(watch, deadline)).Stored.Seq);
                // As the stream's reader records what it wrote.
                watch.LastSeq = 1;
            }

            await _store!.RefuseSubscribeAsync(true);
            Assert.True(await _store.DropSubscriptionsAsync() > 0, "Redis had no subscription connection to drop.");
            await WaitUntilAsync(() => !feed.IsLive, deadline);
            // Appended while the feed cannot hear: in the log, their publishes lost to it.
            var db = redis.GetDatabase();
            foreach (var seq in new[] { 2, 3 }) await db.StreamAddAsync(RedisKeys.Events("caught"), "e", $"{{\"seq\":{seq}}}", messageId: $"{seq}-0");
            await _store.RefuseSubscribeAsync(false);
            await WaitUntilAsync(() => feed.IsLive, deadline);

            // The grace never ran out (its clock did not move): every watch is open, and is handed 2 and 3 from the log.
            foreach (var watch in caught)
            {
                Assert.Equal(2, (await ReadAsync(watch, deadline)).Stored.Seq);
                Assert.Equal(3, (await ReadAsync(watch, deadline)).Stored.Seq);
            }
            Assert.All(caught.Append(quiet), watch => Assert.Null(watch.EndedBy));
            // And each goes on live: the next event comes once, after the caught-up ones.
            await PublishAsync("caught", 4);
            await PublishAsync("quiet", 1);
            foreach (var watch in caught) Assert.Equal(4, (await ReadAsync(watch, deadline)).Stored.Seq);
            Assert.Equal(1, (await ReadAsync(quiet, deadline)).Stored.Seq);
        }
        finally
        {
            await _store!.RefuseSubscribeAsync(false);
            foreach (var watch in caught) watch.Dispose();
        }
    }

    [Fact]
    public async Task A_waiting_watch_wakes_for_an_event_and_ends_after_it_when_its_request_is_aborted()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(30));
        var (redis, feed) = (_redis!, _feed!);
        using var request = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var watch = feed.Watch("thread", request.Token);
        var waiting = watch.WaitToReadAsync();
        Assert.False(waiting.IsCompleted);

        await redis.GetSubscriber().PublishAsync(RedisKeys.EventsChannel, "thread\n1\n{\"seq\":1}");
        Assert.True(await WaitAsync(waiting, deadline));
        await request.CancelAsync();

        Assert.Equal(1, (await ReadAsync(watch, deadline)).Stored.Seq);
        Assert.False(await WaitAsync(watch.WaitToReadAsync(), deadline));
    }

    [Fact]
    public async Task Every_watch_of_a_thread_gets_one_shared_sse_frame_per_event()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(30));
        var (redis, feed) = (_redis!, _feed!);
        using var first = feed.Watch("thread", ct);
        using var second = feed.Watch("thread", ct);

        await redis.GetSubscriber().PublishAsync(RedisKeys.EventsChannel, "thread\n7\n{\"seq\":7,\"text\":\"two\\nlines\"}");
        var a = await ReadAsync(first, deadline);
        var b = await ReadAsync(second, deadline);

        Assert.Same(a, b);
        Assert.Equal("id: 7\nevent: message\ndata: {\"seq\":7,\"text\":\"two\\nlines\"}\n\n", Encoding.UTF8.GetString(a.Frame.Span));
    }

    [Fact]
    public async Task A_waiting_stream_gets_each_next_event_written_into_its_output_and_its_reader_only_for_a_gap()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(30));
        var feed = _feed!;
        var output = new Pipe();
        using var watch = feed.Watch("thread", ct);
        watch.LastSeq = 4;
        watch.WriteThrough(output.Writer);
        var waiting = watch.WaitToReadAsync();

        // One at a time, so the feed is never behind. 6 is only written through if 5 left the reader asleep.
        await PublishAsync("thread", 5);
        Assert.Equal([5], await ReadFramesAsync(output.Reader, 1, deadline));
        await PublishAsync("thread", 6);
        Assert.Equal([6], await ReadFramesAsync(output.Reader, 1, deadline));
        Assert.Equal(6, watch.LastSeq);
        Assert.False(waiting.IsCompleted);

        // 8 after 6: the reader is woken to fill 7 from the log.
        await PublishAsync("thread", 8);
        Assert.True(await WaitAsync(waiting, deadline));
        Assert.True(watch.TryRead(out var gap));
        Assert.Equal(8, gap.Stored.Seq);
    }

    [Fact]
    public async Task Events_that_come_while_a_send_is_in_flight_wait_for_the_reader_who_gets_them_once_it_is_done()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(30));
        var feed = _feed!;
        // A socket that takes nothing more until what it holds is read: a send's flush stays in flight until then.
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        using var watch = feed.Watch("thread", ct);
        // Joins the thread's relay after the watch, so it is offered each event after it.
        using var marker = feed.Watch("thread", ct);
        watch.WriteThrough(output.Writer);
        var waiting = watch.WaitToReadAsync();

        await PublishAsync("thread", 1);
        var inFlight = await output.Reader.ReadAsync(deadline);
        Assert.StartsWith("id: 1\n", Encoding.UTF8.GetString(inFlight.Buffer));
        await PublishAsync("thread", 2);
        await PublishAsync("thread", 3);
        while ((await ReadAsync(marker, deadline)).Stored.Seq < 3)
        {
        }
        // 2 and 3 were offered to the watch before the marker: held for the reader, who is not woken while the send holds the output.
        Assert.False(waiting.IsCompleted);

        output.Reader.AdvanceTo(inFlight.Buffer.End);
        Assert.True(await WaitAsync(waiting, deadline));
        Assert.Equal(1, watch.LastSeq);
        Assert.Equal(2, (await ReadAsync(watch, deadline)).Stored.Seq);
        Assert.Equal(3, (await ReadAsync(watch, deadline)).Stored.Seq);
    }

    [Fact]
    public async Task A_stream_aborted_while_a_send_is_stuck_ends_without_waiting_for_the_socket()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(30));
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        using var request = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var watch = _feed!.Watch("thread", request.Token);
        watch.WriteThrough(output.Writer);
        var waiting = watch.WaitToReadAsync();

        await PublishAsync("thread", 1);
        // The frame is in the output and nothing reads it: the send stays in flight.
        Assert.StartsWith("id: 1\n", Encoding.UTF8.GetString((await output.Reader.ReadAsync(deadline)).Buffer));
        await request.CancelAsync();

        await WaitAsync(waiting, deadline);
        Assert.False(watch.TryRead(out _));
        Assert.False(await WaitAsync(watch.WaitToReadAsync(), deadline));
    }

    /// <summary>Checks <paramref name="condition"/> until it holds; fails the test at the deadline.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken deadline)
    {
        while (!condition()) await Task.Delay(TimeSpan.FromMilliseconds(20), deadline);
    }

    private Task PublishAsync(string thread, long seq) =>
        _redis!.GetSubscriber().PublishAsync(RedisKeys.EventsChannel, $"{thread}\n{seq}\n{{\"seq\":{seq}}}");

    /// <summary>Reads <paramref name="count"/> SSE frames from a stream's output; returns their ids.</summary>
    private static async Task<List<long>> ReadFramesAsync(PipeReader output, int count, CancellationToken deadline)
    {
        var ids = new List<long>();
        var text = "";
        while (ids.Count < count)
        {
            var read = await output.ReadAsync(deadline);
            text += Encoding.UTF8.GetString(read.Buffer);
            output.AdvanceTo(read.Buffer.End);
            var frames = text.Split("\n\n");
            text = frames[^1];
            ids.AddRange(frames[..^1].Select(frame => long.Parse(frame.Split('\n')[0]["id: ".Length..], CultureInfo.InvariantCulture)));
        }
        return ids;
    }

    /// <summary>The watch's next event; fails if it ends first or nothing comes by the deadline.</summary>
    private static async Task<LiveEvent> ReadAsync(Watch watch, CancellationToken deadline)
    {
        LiveEvent? item;
        while (!watch.TryRead(out item)) Assert.True(await WaitAsync(watch.WaitToReadAsync(), deadline), "The watch ended before an event came.");
        return item;
    }

    /// <summary>
    /// A watch's wait, bounded: a lost wake-up fails the test at its deadline instead of hanging the suite. The deadline
    /// bounds the wait only; the watches end with the test's own token, so it cannot end them and pass an assertion.
    /// </summary>
    private static Task<bool> WaitAsync(ValueTask<bool> wait, CancellationToken deadline) => wait.AsTask().WaitAsync(deadline);
}

/// <summary>The SSE stream when pub/sub misses an event: the seq jump sends it to the log for what it missed.</summary>
[Collection(ApiCollection.Name)]
public sealed class SseGapFillTests(ApiAppFixture fixture)
{
    [Fact]
    public async Task A_live_sse_stream_fills_a_seq_that_pub_sub_never_delivered_from_the_log()
    {
        var ct = ApiSteps.Timeout();
        using var api = fixture.Api();
        var threadId = await ApiSteps.InitAsync(api, ct);
        await using var stream = ApiSteps.StreamAsync(api, threadId, null, ct).GetAsyncEnumerator(ct);
        var first = await ApiSteps.StartOperationAsync(api, threadId, "Make a sunrise video", ct);
        var live = await ApiSteps.ReadMessagesAsync(ApiSteps.Remaining(stream), ApiSteps.EndOf(first));

        // An event in the log that was never published, as when a replica's subscription drops for a moment.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.GetConnectionStringAsync("redis", ct));
        var db = redis.GetDatabase();
        var missed = (long)await db.HashIncrementAsync(RedisKeys.Thread(threadId), "last_seq");
        await db.StreamAddAsync(RedisKeys.Events(threadId), "e",
            $$"""{"seq":{{missed}},"operation_id":"{{first}}","text":"never published","type":"system","name":"status"}""", messageId: $"{missed}-0");

        var second = await ApiSteps.StartOperationAsync(api, threadId, "Make a sunset video", ct);
        var after = await ApiSteps.ReadMessagesAsync(ApiSteps.Remaining(stream), ApiSteps.EndOf(second));

        var all = live.Concat(after).ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(ApiSteps.Seq));
        Assert.Equal("never published", all.Single(e => ApiSteps.Seq(e) == missed).GetProperty("text").GetString());
    }
}
