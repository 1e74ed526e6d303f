using System.ComponentModel.DataAnnotations;

namespace Jockey.ApiService.Events;

/// <summary>How long threads and their events live in Redis and how streams behave. Section <c>EventLog</c>.</summary>
public sealed class EventLogOptions
{
    /// <summary>A thread, its operations and events expire this long after the last event.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Each thread's stream keeps at least this many recent events (trimmed approximately, never below).</summary>
    [Range(100, 10_000_000)]
    public int MaxEvents { get; set; } = 10_000;

    /// <summary>
    /// A run keeps writing through a Redis outage this long: each event waits, in order, until Redis is back, and the
    /// run stops reading the Jockey stream meanwhile. Past it the run fails with a reason naming Redis.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan OutageTolerance { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Every SSE stream sends <c>event: ping</c> this often. Half the shortest idle timeout a proxy on the way commonly
    /// has (nginx's 60 s; Container Apps' ingress allows 4 min), and no shorter: with 10,000 idle streams each ping
    /// round costs about as much as a broadcast to all of them (docs/benchmarks.md: 15 s cost 1.5 % of a core).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long SSE streams stay open through a broken Redis subscription. Heard again within it, the replica reads each
    /// thread's log once and sends its streams what they missed, and no client reconnects; past it, every stream ends
    /// with an <c>error</c> event and its client reconnects with <c>Last-Event-ID</c> (to a replica that hears, if one
    /// does). Zero ends them at the break.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BreakGrace { get; set; } = TimeSpan.FromSeconds(10);
}
