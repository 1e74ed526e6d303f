using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jockey.AppHost.Orchestration;
using Jockey.AppHost.Testing;

namespace Jockey.Tests.AppHost;

/// <summary>The AppHost's orchestration, observed from outside: health, restarts, WaitFor, env contract, cleanup.</summary>
public sealed partial class AppHostTests
{
    private static CancellationToken Timeout(int seconds = 90) => TestDeadlines.Start(seconds);

    [Fact]
    public async Task Api_health_is_healthy_and_includes_redis_and_blob_checks()
    {
        var ct = Timeout();
        await using var app = await DistributedApplicationTestingBuilder.StartAsync(o => o.Only("apiservice"), ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);

        using var http = app.CreateHttpClient("apiservice");
        using var response = await http.GetAsync("/health", ct);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Killed_redis_makes_the_api_unhealthy_until_the_apphost_restarts_it()
    {
        var ct = Timeout(120);
        await using var app = await DistributedApplicationTestingBuilder.StartAsync(o => o.Only("apiservice"), ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);
        var apiPid = app.GetResource("apiservice").Pid;
        var redisPid = app.GetResource("redis").Pid;
        using var http = app.CreateHttpClient("apiservice");

        await app.KillAsync("redis");
        var unhealthy = await PollHealthAsync(http, HttpStatusCode.ServiceUnavailable, ct);
        Assert.Contains("redis", unhealthy);

        await app.WaitForResourceHealthyAsync("redis", ct);
        await PollHealthAsync(http, HttpStatusCode.OK, ct);

        var redis = app.GetResource("redis");
        Assert.NotEqual(redisPid, redis.Pid);
        Assert.Equal(1, redis.Restarts);
        Assert.Equal(apiPid, app.GetResource("apiservice").Pid);
        Assert.Equal(0, app.GetResource("apiservice").Restarts);
    }

    [Fact]
    public async Task A_resource_whose_dependency_never_gets_healthy_is_never_started_and_the_error_names_it()
    {
        var ct = Timeout();
        await using var app = await DistributedApplicationTestingBuilder.StartAsync(o =>
        {
            o.Only("apiservice");
            // The agent listens elsewhere than the AppHost probes, so it runs but never reports healthy.
            o.Environment("jockey", "ASPNETCORE_URLS", $"http://127.0.0.1:{PortAllocator.GetFreePort()}");
            // Long enough for Redis and Azurite to come up on a loaded machine; the agent never will.
            o.Settings = o.Settings with { DependencyTimeout = TimeSpan.FromSeconds(20) };
        }, ct);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => app.WaitForResourceHealthyAsync("apiservice", ct));

        var api = app.GetResource("apiservice");
        Assert.Equal(ResourceState.FailedToStart, api.State);
        Assert.Null(api.Pid);
        Assert.Contains("'jockey'", api.Error);
        Assert.Contains("jockey", failure.Message);
        Assert.DoesNotContain("Now listening", app.LogTail("apiservice"));
    }

    [Fact]
    public async Task A_resource_that_keeps_crashing_is_restarted_with_growing_backoff_then_left_failed_to_start()
    {
        var ct = Timeout();
        await using var app = await DistributedApplicationTestingBuilder.StartAsync(o =>
        {
            o.Only("jockey");
            // Options are validated at start, so every run of the agent ends within moments, as a misconfigured one would.
            o.Environment("jockey", "LocalAgent__RenderConcurrency", "0");
            o.Settings = o.Settings with { MaxRestarts = 3, RestartBackoffScale = 0.1 };
        }, ct);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => app.WaitForResourceHealthyAsync("jockey", ct));

        var jockey = app.GetResource("jockey");
        var log = app.LogTail("jockey", lines: 2000);
        Assert.Equal(ResourceState.FailedToStart, jockey.State);
        Assert.Null(jockey.Pid);
        Assert.Equal(3, jockey.Restarts);
        Assert.Contains("4 times in a row", jockey.Error);
        Assert.Contains("4 times in a row", failure.Message);
        Assert.Contains("RenderConcurrency", log);
        // The first run and three restarts, each a new process; between them waits of 1, 2 and 4 × the scale.
        Assert.Equal(4, StartedPid().Matches(log).Select(m => m.Groups[1].Value).Distinct().Count());
        Assert.Equal([0.1, 0.2, 0.4], RestartDelay().Matches(log).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Each_replica_gets_the_aspire_environment_and_its_own_instance_id_and_nothing_else_of_the_apphosts()
    {
        var ct = Timeout();
        // Set in this process, which plays the AppHost's part: as a developer's shell variable would be under dev.sh.
        const string HostOnly = "JOCKEY_TEST_APPHOST_ONLY";
        Environment.SetEnvironmentVariable(HostOnly, "must not reach a service");
        await using var app = await DistributedApplicationTestingBuilder.StartAsync(o =>
        {
            o.ApiReplicas = 2;
            o.Only("apiservice");
        }, ct);
        List<Dictionary<string, string>> environments;
        try
        {
            await app.WaitForResourceHealthyAsync("apiservice", ct);
            environments = [.. Enumerable.Range(0, 2).Select(r => ReadEnvironment(app.GetResource("apiservice", r).Pid!.Value))];
        }
        finally
        {
            // The replicas have started with the variable around; later tests of this process must not inherit it.
            Environment.SetEnvironmentVariable(HostOnly, null);
        }

        foreach (var env in environments)
        {
            Assert.DoesNotContain(HostOnly, env.Keys);
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), env["PATH"]);
            Assert.Equal("Development", env["ASPNETCORE_ENVIRONMENT"]);
            Assert.Equal(await app.GetConnectionStringAsync("redis", ct), env["ConnectionStrings__redis"]);
            Assert.Contains("AccountName=devstoreaccount1", env["ConnectionStrings__blobs"]);
            Assert.Contains($"BlobEndpoint={app.GetEndpoint("storage").ToString().TrimEnd('/')}/devstoreaccount1;", env["ConnectionStrings__blobs"]);
            Assert.Equal(app.GetEndpoint("jockey").ToString().TrimEnd('/'), env["services__jockey__http__0"]);
            Assert.Equal("apiservice", env["OTEL_SERVICE_NAME"]);
            Assert.StartsWith("service.instance.id=", env["OTEL_RESOURCE_ATTRIBUTES"]);
        }
        Assert.NotEqual(environments[0]["OTEL_RESOURCE_ATTRIBUTES"], environments[1]["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.NotEqual(environments[0]["ASPNETCORE_URLS"], environments[1]["ASPNETCORE_URLS"]);

        // Both replicas answer behind the one public endpoint.
        using var http = app.CreateHttpClient("apiservice");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive", ct)).StatusCode);
        }
    }

    [Fact]
    public async Task Service_settings_given_to_the_apphost_reach_only_the_service_they_belong_to()
    {
        var ct = Timeout();
        await using var app = await DistributedApplicationTestingBuilder.StartAsync(o =>
        {
            o.Only("apiservice", "jockey");
            o.AppHostSettings["LocalAgent:Llm:Model"] = "local-model";
            o.AppHostSettings["Narration:Voice"] = "en-gb";
            o.AppHostSettings["ApiService:Replicas"] = "1";
        }, ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);

        var agent = ReadEnvironment(app.GetResource("jockey").Pid!.Value);
        var api = ReadEnvironment(app.GetResource("apiservice").Pid!.Value);
        Assert.Equal("local-model", agent["LocalAgent__Llm__Model"]);
        Assert.Equal("en-gb", api["Narration__Voice"]);
        Assert.DoesNotContain("Narration__Voice", agent.Keys);
        Assert.DoesNotContain("LocalAgent__Llm__Model", api.Keys);
        Assert.DoesNotContain(api.Keys, key => key.StartsWith("ApiService__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disposing_the_app_leaves_no_child_process()
    {
        var ct = Timeout();
        var app = await DistributedApplicationTestingBuilder.StartAsync(o => o.Only("apiservice"), ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);
        var pids = app.Application.GetSnapshots().Select(s => s.Pid).OfType<int>().Distinct().ToList();
        var all = pids.Concat(pids.SelectMany(ProcessTree.Descendants)).Distinct().ToList();
        Assert.Equal(4, pids.Count); // redis, storage, jockey, apiservice

        await app.DisposeAsync();

        Assert.DoesNotContain(all, ProcessTree.IsAlive);
    }

    private static async Task<string> PollHealthAsync(HttpClient http, HttpStatusCode expected, CancellationToken ct)
    {
        while (true)
        {
            using var response = await http.GetAsync("/health", ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == expected)
            {
                return body;
            }
            await Task.Delay(200, ct);
        }
    }

    private static Dictionary<string, string> ReadEnvironment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);

    [GeneratedRegex(@"\[apphost\] started .* \(pid (\d+)\)")]
    private static partial Regex StartedPid();

    [GeneratedRegex(@"restarting in ([0-9.]+) s")]
    private static partial Regex RestartDelay();
}
