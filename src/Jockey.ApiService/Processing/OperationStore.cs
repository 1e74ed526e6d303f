using System.Diagnostics;
using System.Text.Json;
using Jockey.ApiService.Events;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Processing;

/// <summary>A processing operation's run on the Jockey server and how far its owner had got (see <see cref="RunProgress"/>).</summary>
public sealed record ResumePoint(JockeyRunRef Run, string? InputMessageId, string? Checkpoint);

public abstract record StartResult
{
    public sealed record Started : StartResult;
    public sealed record UnknownThread : StartResult;
    public sealed record Busy(string ActiveOperationId) : StartResult;
}

/// <summary>
/// Operations in Redis. Starting one checks and sets the thread's active operation in the same script that records
/// it, so two replicas can never both start a run on one thread. The replica that starts an operation owns it and
/// holds a short lease on it; when the lease lapses (the replica died), another replica claims the operation.
/// </summary>
public sealed class OperationStore(IConnectionMultiplexer redis, IOptions<EventLogOptions> options)
{
    // KEYS: thread, op, ops, lease, running. ARGV: op id, op json, ttl s, thread id, owner, lease ms.
    // A thread is busy while its active operation is still processing, whatever became of that operation's replica.
    private const string StartScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return '!unknown' end
        local active = redis.call('HGET', KEYS[1], 'active_op')
        if active and active ~= '' and redis.call('HGET', 'jockey:op:' .. active, 'status') == 'processing' then return active end
        redis.call('HSET', KEYS[1], 'active_op', ARGV[1])
        redis.call('HSET', KEYS[2], 'status', 'processing', 'json', ARGV[2], 'thread_id', ARGV[4], 'owner', ARGV[5])
        redis.call('SET', KEYS[4], ARGV[5], 'PX', ARGV[6])
        redis.call('SADD', KEYS[5], ARGV[1])
        redis.call('RPUSH', KEYS[3], ARGV[1])
        redis.call('EXPIRE', KEYS[2], ARGV[3])
        redis.call('EXPIRE', KEYS[3], ARGV[3])
        return '!started'
        """;

    // KEYS: op, lease. ARGV: owner, lease ms. 1 while the owner holds it; a lease that lapsed while nobody claimed the
    // operation (a Redis outage outlasting it) is taken back; 0 once another replica owns the operation or it ended.
    private const string RenewScript = """
        local holder = redis.call('GET', KEYS[2])
        if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
        if holder then return 0 end
        if redis.call('HGET', KEYS[1], 'status') ~= 'processing' or redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    // KEYS: op, lease, running. ARGV: claimant, lease ms, op id. 1 when the claimant now owns the operation.
    private const string ClaimScript = """
        if redis.call('HGET', KEYS[1], 'status') ~= 'processing' then redis.call('SREM', KEYS[3], ARGV[3]) return 0 end
        if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[1], 'owner', ARGV[1])
        return 1
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    public async Task<StartResult> StartAsync(Operation operation, string owner, TimeSpan lease)
    {
        RedisKey[] keys = [RedisKeys.Thread(operation.ThreadId), RedisKeys.Operation(operation.OperationId), RedisKeys.Operations(operation.ThreadId), RedisKeys.Lease(operation.OperationId), RedisKeys.Running];
        RedisValue[] args = [operation.OperationId, JsonSerializer.Serialize(operation, ApiJson.Options), (long)options.Value.Retention.TotalSeconds, operation.ThreadId, owner, (long)lease.TotalMilliseconds];
        var result = (string)(await Db.ScriptEvaluateAsync(StartScript, keys, args))!;
        return result switch
        {
            "!started" => new StartResult.Started(),
            "!unknown" => new StartResult.UnknownThread(),
            _ => new StartResult.Busy(result),
        };
    }

    /// <summary>Extends the owner's lease; false once the operation has another owner or has ended.</summary>
    public async Task<bool> RenewLeaseAsync(string operationId, string owner, TimeSpan lease) =>
        (long)await Db.ScriptEvaluateAsync(RenewScript, [RedisKeys.Operation(operationId), RedisKeys.Lease(operationId)], [owner, (long)lease.TotalMilliseconds]) == 1;

    /// <summary>Takes over an operation whose lease lapsed; true when <paramref name="claimant"/> now owns it.</summary>
    public async Task<bool> TryClaimAsync(string operationId, string claimant, TimeSpan lease) =>
        (long)await Db.ScriptEvaluateAsync(ClaimScript, [RedisKeys.Operation(operationId), RedisKeys.Lease(operationId), RedisKeys.Running], [claimant, (long)lease.TotalMilliseconds, operationId]) == 1;

    /// <summary>Gives up the lease (a replica shutting down), so another replica claims the operation at once.</summary>
    public Task ReleaseAsync(string operationId, string owner) =>
        Db.ScriptEvaluateAsync(ReleaseScript, [RedisKeys.Lease(operationId)], [owner]);

    /// <summary>The operations still processing on some replica (or on none: their leases have lapsed).</summary>
    public async Task<IReadOnlyList<string>> ListRunningAsync() =>
        [.. (await Db.SetMembersAsync(RedisKeys.Running)).Select(id => (string)id!)];

    public async Task<Operation?> GetAsync(string operationId)
    {
        if (!ThreadStore.IsWellFormedId(operationId)) return null;
        var json = await Db.HashGetAsync(RedisKeys.Operation(operationId), "json");
        return json.IsNull ? null : JsonSerializer.Deserialize<Operation>((string)json!, ApiJson.Options);
    }

    public async Task<IReadOnlyList<Operation>> ListAsync(string threadId)
    {
        var ids = await Db.ListRangeAsync(RedisKeys.Operations(threadId));
        var operations = await Task.WhenAll(ids.Select(id => GetAsync((string)id!)));
        return operations.OfType<Operation>().ToList();
    }

    /// <summary>
    /// The LangGraph run behind an operation and the message that started it, recorded as soon as the run is known so
    /// any replica can cancel it, or take it over; with the trace the run belongs to, which a takeover continues.
    /// </summary>
    public Task SetRunAsync(string operationId, JockeyRunRef run, string? inputMessageId, ActivityContext trace) =>
        Db.HashSetAsync(RedisKeys.Operation(operationId),
            [new("jockey_thread_id", run.ThreadId), new("run_id", run.RunId), new("input_message_id", inputMessageId ?? ""), new("trace_parent", TraceParent(trace))]);

    /// <summary>The trace the operation's run belongs to (the request that started it); default when none was recorded.</summary>
    public async Task<ActivityContext> GetRunTraceAsync(string operationId) =>
        await Db.HashGetAsync(RedisKeys.Operation(operationId), "trace_parent") is { IsNullOrEmpty: false } stored
            && ActivityContext.TryParse((string)stored!, null, out var trace) ? trace : default;

    /// <summary>A W3C <c>traceparent</c>; empty for no trace.</summary>
    private static string TraceParent(ActivityContext trace) => trace == default ? ""
        : $"00-{trace.TraceId.ToHexString()}-{trace.SpanId.ToHexString()}-{((trace.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    public async Task<JockeyRunRef?> GetRunAsync(string operationId) => (await GetResumePointAsync(operationId))?.Run;

    /// <summary>Where a replica taking the operation over starts: its run, and the checkpoint written with its owner's last event (null before the first).</summary>
    public async Task<ResumePoint?> GetResumePointAsync(string operationId)
    {
        var fields = await Db.HashGetAsync(RedisKeys.Operation(operationId), ["jockey_thread_id", "run_id", "input_message_id", "checkpoint"]);
        if (fields[0].IsNullOrEmpty || fields[1].IsNullOrEmpty) return null;
        return new ResumePoint(new JockeyRunRef((string)fields[0]!, (string)fields[1]!),
            fields[2].IsNullOrEmpty ? null : (string)fields[2]!, fields[3].IsNullOrEmpty ? null : (string)fields[3]!);
    }

    // KEYS: op. ARGV: operation json. A run that already ended has recorded its final state; leave it.
    private const string UpdateScript = """
        if redis.call('HGET', KEYS[1], 'status') ~= 'processing' then return 0 end
        redis.call('HSET', KEYS[1], 'json', ARGV[1])
        return 1
        """;

    /// <summary>Replaces the stored operation while it is still processing; one that has ended keeps its final state.</summary>
    public Task UpdateAsync(Operation operation) =>
        Db.ScriptEvaluateAsync(UpdateScript, [RedisKeys.Operation(operation.OperationId)], [JsonSerializer.Serialize(operation, ApiJson.Options)]);

    private IDatabase Db => redis.GetDatabase();
}
