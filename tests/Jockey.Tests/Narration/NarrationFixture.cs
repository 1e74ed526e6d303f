using System.Diagnostics;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Narration;
using Jockey.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Media;
using Jockey.Tests.Api;

namespace Jockey.Tests.Narration;

/// <summary>The narration classes share one app.</summary>
[CollectionDefinition(Name)]
[RunsFor(60)]
public sealed class NarrationCollection : ICollectionFixture<NarrationFixture>
{
    public const string Name = "narration";
}

/// <summary>
/// Two API replicas on real Redis and Azurite with a fake Jockey, and — for narration settings the running API does
/// not have — a narrator host in the test process wired the way the API wires it, standing in for another replica.
/// </summary>
public sealed class NarrationFixture : IAsyncLifetime
{
    /// <summary>
    /// How long a socket may sit on a full send buffer before the API closes it. Short, so the slow-client test ends
    /// soon; a client that reads never comes near it (its buffer drains as it reads).
    /// </summary>
    public static readonly TimeSpan SlowClientTimeout = TimeSpan.FromSeconds(5);

    public TestingApp App { get; private set; } = null!;

    public FakeJockeyServer Jockey { get; private set; } = null!;

    public string RedisConnectionString { get; private set; } = "";

    public string BlobsConnectionString { get; private set; } = "";

    private IHost? _host;

    public IServiceProvider Services => (_host ??= BuildNarratorHost()).Services;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        Jockey = await FakeJockeyServer.StartAsync();
        App = await TestingApp.StartAsync(o =>
        {
            o.ApiReplicas = 2;
            o.JockeyUrl = Jockey.BaseAddress;
            o.Only("apiservice");
            o.Environment("apiservice", "Limits__ProcessPermits", "1000");
            o.Environment("apiservice", "Narration__SlowClientTimeout", SlowClientTimeout.ToString());
            o.Environment("apiservice", "Narration__SocketBufferBytes", "65536");
        }, timeout.Token);
        await App.WaitForResourceHealthyAsync("apiservice", timeout.Token);
        RedisConnectionString = await App.GetConnectionStringAsync("redis", timeout.Token);
        BlobsConnectionString = await App.GetConnectionStringAsync("blobs", timeout.Token);
    }

    /// <summary>The services the API builds for narration, with extra <c>Narration:*</c> settings.</summary>
    public IHost BuildNarratorHost(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = RedisConnectionString,
            ["ConnectionStrings:blobs"] = BlobsConnectionString,
            ["Jockey:Url"] = Jockey.BaseAddress.ToString(),
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Services.AddLogging();
        // As in the API: every HttpClient gets the standard resilience handler unless it opts out.
        builder.AddServiceDefaults();
        builder.AddRedis("redis");
        builder.AddBlobStorage("blobs");
        builder.AddJockeyClient();
        builder.AddMedia();
        builder.AddNarration();
        return builder.Build();
    }

    /// <summary>A new thread, made the way the browser makes one.</summary>
    public async Task<string> CreateThreadAsync(CancellationToken ct)
    {
        using var api = Api(0);
        return await ApiSteps.InitAsync(api, ct);
    }

    public HttpClient Api(int replica) => App.CreateHttpClient("apiservice", replica);

    public Uri Replica(int index) => App.GetEndpoint("apiservice", index);

    public async ValueTask DisposeAsync()
    {
        _host?.Dispose();
        if (App is not null) await App.DisposeAsync();
        if (Jockey is not null) await Jockey.DisposeAsync();
    }

    /// <summary>Duration of an audio file according to ffprobe.</summary>
    public static async Task<TimeSpan> ProbeDurationAsync(byte[] file, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"narration-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, file, ct);
        try
        {
            var ffprobe = Process.Start(new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])
            {
                RedirectStandardOutput = true,
            })!;
            var output = await ffprobe.StandardOutput.ReadToEndAsync(ct);
            await ffprobe.WaitForExitAsync(ct);
            return TimeSpan.FromSeconds(double.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
