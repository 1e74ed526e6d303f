using System.Diagnostics;
using Jockey.Bench.Clients;
using Jockey.Bench.Fake;
using Jockey.Bench.Measure;

namespace Jockey.Bench.Targets;

/// <summary>
/// The Socket.IO + Redis adapter peer (bench/peer-socketio): two Node instances on the same Redis as Jockey. A
/// producer connection to instance B publishes the plan's events, as the fake Jockey server streams them to API B.
/// As the floor (<c>bare</c>), the same processes and path deliver over bare SSE streams instead of Socket.IO: one
/// pre-encoded frame written to each connection, no framework — what any server on this path costs at least.
/// </summary>
public sealed class PeerTarget : ITarget
{
    private readonly Process[] _instances;
    private readonly Uri[] _urls;
    private readonly SocketIoConnection?[] _producers;
    private readonly HttpClient[] _streamClients;
    private readonly bool _bare;
    private readonly List<Task> _runs = [];

    private PeerTarget(Process[] instances, Uri[] urls, bool bare)
    {
        _instances = instances;
        _urls = urls;
        _bare = bare;
        _producers = new SocketIoConnection?[urls.Length];
        _streamClients = bare ? [.. urls.Select(SseSubscriber.Client)] : [];
    }

    public string Name => _bare ? "floor" : "peer";

    /// <param name="profile">Node writes a perf map (<c>--perf-basic-prof</c>) so perf can name JavaScript frames.</param>
    /// <param name="bare">The floor: bare SSE streams instead of Socket.IO.</param>
    public static async Task<PeerTarget> StartAsync(string peerDirectory, string redisConnectionString, int instances, CancellationToken ct, bool profile = false, bool bare = false)
    {
        var redisUrl = ToRedisUrl(redisConnectionString);
        var processes = new List<Process>();
        var urls = new List<Uri>();
        try
        {
            for (var i = 0; i < instances; i++)
            {
                var port = Pacing.FreePort();
                var start = new ProcessStartInfo("node", profile ? ["--perf-basic-prof", "server.js"] : ["server.js"]) { WorkingDirectory = peerDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
                start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                start.Environment["REDIS_URL"] = redisUrl;
                start.Environment["NODE_ENV"] = "production";
                var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node; is Node.js installed?");
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine($"  peer {i} | {line}"); };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                processes.Add(process);
                urls.Add(new Uri($"http://127.0.0.1:{port}/"));
            }
            for (var i = 0; i < urls.Count; i++) await WaitHealthyAsync(urls[i], processes[i], "The Socket.IO peer", "; run `npm ci` in bench/peer-socketio.", ct);
            return new PeerTarget([.. processes], [.. urls], bare);
        }
        catch
        {
            foreach (var process in processes) Stop(process);
            throw;
        }
    }

    public Task<string> CreateThreadAsync(CancellationToken ct) => Task.FromResult(Guid.NewGuid().ToString("N"));

    public Subscriber CreateSubscriber(Transport transport, int replica) => (transport, _bare) switch
    {
        (Transport.SocketIo, false) => new SocketIoSubscriber(_urls[replica]),
        (Transport.Sse, true) => new SseSubscriber(_streamClients[replica]),
        _ => throw new ArgumentException($"The {Name} does not speak {transport}.", nameof(transport)),
    };

    public async Task<string> ProduceAsync(string threadId, RunPlan plan, int replica, CancellationToken ct)
    {
        var producer = _producers[replica];
        if (producer is null)
        {
            producer = new SocketIoConnection(null);
            await producer.ConnectAsync(_urls[replica], ct);
            _producers[replica] = producer;
        }
        _runs.RemoveAll(run => run.IsCompleted);
        _runs.Add(Task.Run(() => PublishAsync(producer, threadId, plan, _bare, ct), ct));
        return plan.Tag;
    }

    private static async Task PublishAsync(SocketIoConnection producer, string threadId, RunPlan plan, bool bare, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < plan.Count; i++)
        {
            await plan.WaitTurnAsync(start, i, ct);
            var percent = plan.Count <= 1 ? 100 : i * 100.0 / (plan.Count - 1);
            await producer.EmitAsync("publish", new Published(threadId, plan.Tag, DeliveryLog.EventText(plan.Tag, i), "system", "progress", new { stage = "bench", percent }, bare), ack: false, ct);
        }
        await producer.EmitAsync("publish", new Published(threadId, plan.Tag, "Done.", "system", "completed", new { video_url = (string?)null }, bare), ack: false, ct);
    }

    private sealed record Published(
        [property: System.Text.Json.Serialization.JsonPropertyName("thread_id")] string ThreadId,
        [property: System.Text.Json.Serialization.JsonPropertyName("operation_id")] string OperationId,
        [property: System.Text.Json.Serialization.JsonPropertyName("text")] string Text,
        [property: System.Text.Json.Serialization.JsonPropertyName("type")] string Type,
        [property: System.Text.Json.Serialization.JsonPropertyName("name")] string Name,
        [property: System.Text.Json.Serialization.JsonPropertyName("data")] object Data,
        [property: System.Text.Json.Serialization.JsonPropertyName("bare"),
                   System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] bool Bare);

    public int ProcessId(int replica) => _instances[replica].Id;

    /// <summary><c>127.0.0.1:6379,password=x</c> (StackExchange.Redis) → <c>redis://:x@127.0.0.1:6379</c> (node-redis).</summary>
    private static string ToRedisUrl(string connectionString)
    {
        var parts = connectionString.Split(',', StringSplitOptions.TrimEntries);
        var password = parts.Skip(1).Select(p => p.Split('=', 2)).FirstOrDefault(kv => kv[0] == "password")?[1];
        return password is null ? $"redis://{parts[0]}" : $"redis://:{Uri.EscapeDataString(password)}@{parts[0]}";
    }

    /// <summary>Waits until the server at <paramref name="url"/> answers <c>/health</c>; fails at once if its process exits.</summary>
    internal static async Task WaitHealthyAsync(Uri url, Process process, string what, string fix, CancellationToken ct)
    {
        using var http = new HttpClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{what} exited with {process.ExitCode}{fix}");
            try
            {
                using var response = await http.GetAsync(new Uri(url, "health"), deadline.Token);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100, deadline.Token);
        }
    }

    internal static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_runs).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var producer in _producers.OfType<SocketIoConnection>()) await producer.DisposeAsync();
        foreach (var client in _streamClients) client.Dispose();
        foreach (var process in _instances) Stop(process);
    }
}
