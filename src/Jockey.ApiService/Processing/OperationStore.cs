using System.Text.Json;
using Jockey.ApiService.Events;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Processing;

public abstract record StartResult
{
    public sealed record Started : StartResult;
    public sealed record UnknownThread : StartResult;
    public sealed record Busy(string ActiveOperationId) : StartResult;
}

/// <summary>
/// Operations in Redis. Starting one takes the thread's run lock (SET NX PX) in the same script that records it, so
/// two replicas can never both start a run on one thread.
/// </summary>
public sealed class OperationStore(IConnectionMultiplexer redis, IOptions<EventLogOptions> options)
{
    // KEYS: thread, lock, op, ops. ARGV: op id, lock ttl ms, op json, ttl s, thread id.
    private const string StartScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return '!unknown' end
        if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('GET', KEYS[2]) or '' end
        redis.call('HSET', KEYS[3], 'status', 'processing', 'json', ARGV[3], 'thread_id', ARGV[5])
        redis.call('RPUSH', KEYS[4], ARGV[1])
        redis.call('EXPIRE', KEYS[3], ARGV[4])
        redis.call('EXPIRE', KEYS[4], ARGV[4])
        return '!started'
        """;

    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    public async Task<StartResult> StartAsync(Operation operation, TimeSpan lockTtl)
    {
        RedisKey[] keys = [RedisKeys.Thread(operation.ThreadId), RedisKeys.ActiveRun(operation.ThreadId), RedisKeys.Operation(operation.OperationId), RedisKeys.Operations(operation.ThreadId)];
        RedisValue[] args = [operation.OperationId, (long)lockTtl.TotalMilliseconds, JsonSerializer.Serialize(operation, ApiJson.Options), (long)options.Value.Retention.TotalSeconds, operation.ThreadId];
        var result = (string)(await Db.ScriptEvaluateAsync(StartScript, keys, args))!;
        return result switch
        {
            "!started" => new StartResult.Started(),
            "!unknown" => new StartResult.UnknownThread(),
            _ => new StartResult.Busy(result),
        };
    }

    /// <summary>Extends the run lock while this operation still holds it; false once it does not.</summary>
    public async Task<bool> RenewLeaseAsync(Operation operation, TimeSpan lease) =>
        (long)await Db.ScriptEvaluateAsync(RenewScript, [RedisKeys.ActiveRun(operation.ThreadId)], [operation.OperationId, (long)lease.TotalMilliseconds]) == 1;

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

    /// <summary>The LangGraph run behind an operation, recorded as soon as the run's metadata arrives so any replica can cancel it.</summary>
    public Task SetRunAsync(string operationId, string jockeyThreadId, string runId) =>
        Db.HashSetAsync(RedisKeys.Operation(operationId), [new("jockey_thread_id", jockeyThreadId), new("run_id", runId)]);

    public async Task<(string JockeyThreadId, string RunId)?> GetRunAsync(string operationId)
    {
        var fields = await Db.HashGetAsync(RedisKeys.Operation(operationId), ["jockey_thread_id", "run_id"]);
        return fields[0].IsNullOrEmpty || fields[1].IsNullOrEmpty ? null : ((string)fields[0]!, (string)fields[1]!);
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
