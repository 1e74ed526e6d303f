using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Jockey.Bench.Clients;
using Jockey.Bench.Fake;

namespace Jockey.Bench.Targets;

/// <summary>
/// <see cref="KestrelFloorServer"/> as replica A, holding the subscribers; one Node floor instance (<see cref="PeerTarget"/>,
/// bare) as replica B, producing: the same append script and Redis channel as the Node floor, so only the server that
/// holds the connections differs.
/// </summary>
public sealed class KestrelFloorTarget : ITarget
{
    private readonly Process _server;
    private readonly HttpClient _streams;
    private readonly PeerTarget _producer;

    private KestrelFloorTarget(Process server, Uri url, PeerTarget producer)
    {
        _server = server;
        _streams = SseSubscriber.Client(url);
        _producer = producer;
    }

    public string Name => "kestrel-floor";

    public static async Task<KestrelFloorTarget> StartAsync(string peerDirectory, string redisConnectionString, CancellationToken ct)
    {
        var producer = await PeerTarget.StartAsync(peerDirectory, redisConnectionString, instances: 1, ct, bare: true);
        Process? server = null;
        try
        {
            var port = Pacing.FreePort();
            server = Process.Start(StartInfo(port, redisConnectionString)) ?? throw new InvalidOperationException("Could not start the Kestrel floor.");
            server.OutputDataReceived += (_, _) => { };
            server.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine($"  kestrel-floor | {line}"); };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            var url = new Uri($"http://127.0.0.1:{port}/");
            await PeerTarget.WaitHealthyAsync(url, server, "The Kestrel floor", " (its error is above).", ct);
            return new KestrelFloorTarget(server, url, producer);
        }
        catch
        {
            if (server is not null) PeerTarget.Stop(server);
            await producer.DisposeAsync();
            throw;
        }
    }

    /// <summary>This tool again, as the floor server, with the API's runtime settings that are not in this tool's own runtimeconfig.</summary>
    private static ProcessStartInfo StartInfo(int port, string redisConnectionString)
    {
        var host = Environment.ProcessPath!;
        string[] arguments = [KestrelFloorServer.Flag, port.ToString(CultureInfo.InvariantCulture), redisConnectionString];
        // Run as `dotnet Jockey.Bench.dll` (scripts/bench.sh) the host needs the assembly first; run as the apphost, not.
        var start = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new ProcessStartInfo(host, [Assembly.GetExecutingAssembly().Location, .. arguments])
            : new ProcessStartInfo(host, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // The API's runtimeconfig sets this (Jockey.ApiService.csproj); both are Workstation, concurrent GC.
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        return start;
    }

    public Task<string> CreateThreadAsync(CancellationToken ct) => _producer.CreateThreadAsync(ct);

    public Subscriber CreateSubscriber(Transport transport, int replica) => (transport, replica) switch
    {
        (Transport.Sse, 0) => new SseSubscriber(_streams),
        _ => throw new ArgumentException($"The Kestrel floor holds SSE subscribers on replica A (0) only, not {transport} on {replica}.", nameof(transport)),
    };

    public Task<string> ProduceAsync(string threadId, RunPlan plan, int replica, CancellationToken ct) => _producer.ProduceAsync(threadId, plan, replica: 0, ct);

    public int ProcessId(int replica) => replica == 0 ? _server.Id : _producer.ProcessId(0);

    public async ValueTask DisposeAsync()
    {
        _streams.Dispose();
        PeerTarget.Stop(_server);
        await _producer.DisposeAsync();
    }
}
