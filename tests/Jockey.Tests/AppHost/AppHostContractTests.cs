using System.Net;
using System.Text.Json;
using Jockey.Testing;

namespace Jockey.Tests.AppHost;

/// <summary>
/// One app for the tests that look at it, or break it and mend it again: two API replicas, and settings given to the
/// AppHost for each service. Starting an app is most of what each of these tests costs.
/// </summary>
public sealed class AppHostContractFixture : IAsyncLifetime
{
    public TestingApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        App = await TestingApp.StartAsync(o =>
        {
            o.ApiReplicas = 2;
            o.Only("apiservice");
            o.AppHostSettings["LocalAgent:Llm:Model"] = "local-model";
            o.AppHostSettings["Narration:Voice"] = "en-gb";
            // Nothing here searches the library: the agent skips making its sample clips (ffmpeg and espeak-ng), which
            // costs more CPU than the rest of the app's start.
            o.Environment("jockey", "LocalAgent__GenerateSampleIndex", "false");
        }, timeout.Token);
        await App.WaitForResourceHealthyAsync("apiservice", timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}

/// <summary>What the AppHost gives each service, seen from outside: health, the env contract, settings per service, Redis lost and back.</summary>
public sealed class AppHostContractTests(AppHostContractFixture fixture) : IClassFixture<AppHostContractFixture>
{
    private TestingApp App => fixture.App;

    [Fact]
    public async Task Api_health_is_healthy_and_includes_redis_and_blob_checks()
    {
        var ct = TestDeadlines.Start(60);
        using var http = App.CreateHttpClient("apiservice");
        using var response = await http.GetAsync("/health", ct);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("StackExchange.Redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Each_replica_gets_the_aspire_environment_contract_and_its_own_instance_id()
    {
        var ct = TestDeadlines.Start(60);
        List<Dictionary<string, string>> environments = [.. Enumerable.Range(0, 2).Select(r => ProcessTree.EnvironmentOf(App.Pid("apiservice", r)!.Value))];

        foreach (var env in environments)
        {
            Assert.Equal(await App.GetConnectionStringAsync("redis", ct), env["ConnectionStrings__redis"]);
            Assert.Equal(await App.GetConnectionStringAsync("blobs", ct), env["ConnectionStrings__blobs"]);
            Assert.Contains("AccountName=devstoreaccount1", env["ConnectionStrings__blobs"]);
            Assert.Contains($"BlobEndpoint={App.GetEndpoint("storage").ToString().TrimEnd('/')}/devstoreaccount1;", env["ConnectionStrings__blobs"]);
            Assert.Equal(App.GetEndpoint("jockey").Port, new Uri(env["services__jockey__http__0"]).Port);
            Assert.Equal("apiservice", env["OTEL_SERVICE_NAME"]);
            Assert.Contains("service.instance.id=", env["OTEL_RESOURCE_ATTRIBUTES"]);
        }
        Assert.NotEqual(environments[0]["OTEL_RESOURCE_ATTRIBUTES"], environments[1]["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.NotEqual(environments[0]["ASPNETCORE_URLS"], environments[1]["ASPNETCORE_URLS"]);
    }

    [Fact]
    public void Service_settings_given_to_the_apphost_reach_only_the_service_they_belong_to()
    {
        var agent = ProcessTree.EnvironmentOf(App.Pid("jockey")!.Value);
        var api = ProcessTree.EnvironmentOf(App.Pid("apiservice")!.Value);
        Assert.Equal("local-model", agent["LocalAgent__Llm__Model"]);
        Assert.Equal("en-gb", api["Narration__Voice"]);
        Assert.DoesNotContain("Narration__Voice", agent.Keys);
        Assert.DoesNotContain("LocalAgent__Llm__Model", api.Keys);
        Assert.DoesNotContain(api.Keys, key => key.StartsWith("ApiService__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Killed_redis_makes_the_api_unhealthy_until_redis_is_started_again_and_the_api_keeps_running()
    {
        var ct = TestDeadlines.Start(120);
        var apiPids = Replicas.Select(r => App.Pid("apiservice", r)).ToList();
        var redisPid = App.Pid("redis");

        await App.KillAsync("redis");
        try
        {
            foreach (var replica in Replicas)
            {
                Assert.Contains("StackExchange.Redis", await PollHealthAsync(replica, "Unhealthy", ct));
            }

            // Aspire does not restart a crashed process: it stays Exited until someone starts it (the dashboard's Start).
            await App.StartResourceAsync("redis", cancellationToken: ct);
            await App.WaitForResourceHealthyAsync("redis", ct);
            // Both replicas, each asked directly: the next test may reach either through the proxy. Healthy, not only
            // 200: live events come back a moment after Redis does (Degraded meanwhile).
            foreach (var replica in Replicas) await PollHealthAsync(replica, "Healthy", ct);
        }
        finally
        {
            // The app is shared: a failure above must not leave the next test without Redis.
            await App.EnsureRunningAsync("redis", cancellationToken: TestDeadlines.Start(120));
        }

        Assert.NotEqual(redisPid, App.Pid("redis"));
        Assert.Equal(apiPids, Replicas.Select(r => App.Pid("apiservice", r)));
    }

    private static readonly int[] Replicas = [0, 1];

    private async Task<string> PollHealthAsync(int replica, string status, CancellationToken ct)
    {
        using var http = App.CreateHttpClient("apiservice", replica);
        return await Api.ApiSteps.WaitForHealthAsync(http, status, ct);
    }
}
