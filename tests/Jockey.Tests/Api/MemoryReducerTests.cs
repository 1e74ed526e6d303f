using Jockey.ApiService.Streaming;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Jockey.Tests.Api;

/// <summary>
/// When a replica collects after a surge of connections: only after enough have opened, only once it is quiet, once per
/// surge. Time is the test's own (its timers fire inside <c>Advance</c>), so each step is decided before the next one.
/// </summary>
public sealed class MemoryReducerTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();

    private MemoryReducer Reducer(int afterConnections) =>
        new(Options.Create(new MemoryReducerOptions { AfterConnections = afterConnections, Quiet = Quiet }), _time, NullLogger<MemoryReducer>.Instance);

    private static void Open(MemoryReducer reducer, int connections)
    {
        for (var i = 0; i < connections; i++) reducer.ConnectionOpened();
    }

    [Fact]
    public void A_surge_is_collected_once_the_replica_is_quiet_and_only_once()
    {
        using var reducer = Reducer(afterConnections: 3);
        Open(reducer, 3);

        _time.Advance(Quiet - TimeSpan.FromSeconds(1));
        Assert.Equal(0, reducer.Reductions);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, reducer.Reductions);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, reducer.Reductions);
    }

    [Fact]
    public void Deliveries_hold_the_collection_back_until_they_stop()
    {
        using var reducer = Reducer(afterConnections: 3);
        Open(reducer, 3);

        for (var second = 0; second < 60; second += 5)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            reducer.Busy();
        }
        Assert.Equal(0, reducer.Reductions);
        _time.Advance(Quiet);
        Assert.Equal(1, reducer.Reductions);
    }

    [Theory]
    // Below the threshold, connections add up over quiet periods until they make a surge.
    [InlineData(new[] { 2, 1 }, new[] { 0, 1 })]
    // A collection starts the count again: the next surge is collected again.
    [InlineData(new[] { 3, 2, 1 }, new[] { 1, 1, 2 })]
    public void Connections_count_up_to_each_collection(int[] openedEachTime, int[] reductionsAfterEach)
    {
        using var reducer = Reducer(afterConnections: 3);
        foreach (var (connections, reductions) in openedEachTime.Zip(reductionsAfterEach))
        {
            Open(reducer, connections);
            _time.Advance(Quiet);
            Assert.Equal(reductions, reducer.Reductions);
        }
    }

    [Fact]
    public void Zero_turns_it_off()
    {
        using var reducer = Reducer(afterConnections: 0);
        Open(reducer, 10_000);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, reducer.Reductions);
    }
}
