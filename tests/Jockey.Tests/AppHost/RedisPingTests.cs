using System.Net;
using System.Net.Sockets;
using Jockey.AppHost.Integrations;
using Jockey.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.AppHost;

/// <summary>
/// The AppHost's Redis health check. DCP's proxy may accept a connection while Redis is away and relay nothing; a
/// check that then waited for ever was never repeated, and Redis stayed "Unhealthy" minutes after it was back.
/// </summary>
public sealed class RedisPingTests
{
    [Fact]
    public async Task A_port_that_accepts_and_never_answers_is_unhealthy_at_the_deadline()
    {
        var ct = Timeout(30);
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = silent.AcceptTcpClientAsync(ct);

        var result = await RedisServerExtensions.PingAsync(((IPEndPoint)silent.LocalEndpoint).Port, "secret", TimeSpan.FromSeconds(1), ct);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("redis did not answer PING within 1 s", result.Description);
        (await held).Dispose();
    }

    [Fact]
    public async Task A_redis_server_is_healthy_with_its_password_and_says_why_not_without_it()
    {
        var ct = Timeout(60);
        var port = PortAllocator.GetFreePort();
        using var redis = LocalRedisServer.Start(port, "--requirepass", "right");
        try
        {
            // Polled until redis-server listens: before that the check says the port refuses, which is also right.
            HealthCheckResult healthy;
            while ((healthy = await RedisServerExtensions.PingAsync(port, "right", TimeSpan.FromSeconds(5), ct)).Status != HealthStatus.Healthy)
            {
                Assert.Contains("refused", healthy.Description, StringComparison.OrdinalIgnoreCase);
                await Task.Delay(50, ct);
            }

            var refused = await RedisServerExtensions.PingAsync(port, "wrong", TimeSpan.FromSeconds(30), ct);
            Assert.Equal(HealthStatus.Unhealthy, refused.Status);
            Assert.StartsWith("redis answered 'WRONGPASS", refused.Description);
        }
        finally
        {
            redis.Kill();
            await redis.WaitForExitAsync(CancellationToken.None);
        }
    }
}
