using System.Diagnostics;
using Jockey.Bench.Clients;
using Jockey.Bench.Measure;
using Jockey.Bench.Targets;

namespace Jockey.Bench.Scenarios;

/// <summary>Many subscribers of one target, connected with bounded parallelism, measured run by run.</summary>
public sealed class SubscriberGroup : IAsyncDisposable
{
    private readonly List<Subscriber> _subscribers;

    private SubscriberGroup(List<Subscriber> subscribers, TimeSpan connectTime, int connectFailures)
    {
        _subscribers = subscribers;
        ConnectTime = connectTime;
        ConnectFailures = connectFailures;
    }

    public IReadOnlyList<Subscriber> Subscribers => _subscribers;

    /// <summary>From the first connect to the last subscription confirmed.</summary>
    public TimeSpan ConnectTime { get; }

    public int ConnectFailures { get; }

    /// <summary>
    /// Connects one subscriber per entry of <paramref name="threadIds"/> to the replica, at most <paramref name="parallelism"/>
    /// at a time; with <paramref name="reconnecting"/>, each comes back as the web app's would when the server ends it.
    /// </summary>
    public static async Task<SubscriberGroup> ConnectAsync(
        ITarget target, Transport transport, int replica, IReadOnlyList<string> threadIds, int parallelism, CancellationToken ct, bool reconnecting = false)
    {
        var subscribers = threadIds.Select(_ => target.CreateSubscriber(transport, replica)).ToList();
        foreach (var subscriber in subscribers) subscriber.Reconnects = reconnecting;
        var failures = 0;
        Exception? firstFailure = null;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, subscribers.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (i, token) =>
        {
            try
            {
                await subscribers[i].ConnectAsync(threadIds[i], token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref firstFailure, ex, null);
            }
        });
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (firstFailure is not null) Console.Error.WriteLine($"    {failures} of {subscribers.Count} {transport} subscribers failed to connect; first: {firstFailure.Message}");
        return new SubscriberGroup(subscribers, elapsed, failures);
    }

    public void BeginRun(string tag, int count)
    {
        foreach (var subscriber in _subscribers) subscriber.Log.BeginRun(tag, count);
    }

    public IReadOnlyList<RunRecord> Records => [.. _subscribers.Select(s => s.Log.Run).OfType<RunRecord>()];

    public int Failed => _subscribers.Count(s => s.Failure is not null);

    /// <summary>Waits until every subscriber has its operation's last message (<see cref="DeliveryLog.HasEnded"/>); false on timeout.</summary>
    public Task<bool> WaitEndedAsync(Func<int, string> operationOf, TimeSpan timeout, CancellationToken ct) =>
        WaitAllAsync((subscriber, index) => subscriber.Log.HasEnded(operationOf(index)), timeout, ct);

    /// <summary>Waits until every subscriber holds every event of the run; false on timeout.</summary>
    public Task<bool> WaitReceivedAsync(TimeSpan timeout, CancellationToken ct) =>
        WaitAllAsync((subscriber, _) => subscriber.Log.Run is { Lost: 0 }, timeout, ct);

    /// <summary>Waits until <paramref name="done"/> holds for every subscriber that has not failed; false on timeout.</summary>
    private async Task<bool> WaitAllAsync(Func<Subscriber, int, bool> done, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var next = 0;
        while (true)
        {
            while (next < _subscribers.Count && (done(_subscribers[next], next) || _subscribers[next].Failure is not null)) next++;
            if (next == _subscribers.Count) return true;
            if (Stopwatch.GetTimestamp() > deadline) return false;
            await Task.Delay(5, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(_subscribers, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (subscriber, _) => await subscriber.DisposeAsync());
    }
}
