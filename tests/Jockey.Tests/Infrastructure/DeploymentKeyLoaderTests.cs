using Jockey.ApiService.Infrastructure;
using Jockey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Infrastructure;

/// <summary>
/// The shared signing keys against a real redis-server that is not there when the replica starts. A replica once kept
/// the failure of its first load for good, so one Redis stall under load failed every later run on it.
/// </summary>
public sealed class DeploymentKeyLoaderTests
{
    private static readonly RedisKey Name = "jockey:test:signing-key";

    [Fact]
    public async Task A_key_redis_could_not_give_at_start_is_a_503_until_redis_answers_then_it_is_the_key_every_replica_shares()
    {
        var ct = Timeout(90);
        var port = PortAllocator.GetFreePort();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            AbortOnConnectFail = false,
            ConnectRetry = 0,
        });
        var key = new DeploymentKey(configured: null, Name);
        var loader = new DeploymentKeyLoader(key, redis, NullLogger<DeploymentKeyLoader>.Instance);

        // Redis is not there: the replica starts anyway, and what needs the key is refused as an outage (a 503).
        await loader.StartAsync(ct);
        var refused = Assert.Throws<RedisConnectionException>(() => key.Value);
        Assert.Contains("not loaded yet", refused.Message);

        using var server = LocalRedisServer.Start(port);
        try
        {
            while (!key.IsLoaded) await Task.Delay(100, ct);
            var anotherReplicas = new DeploymentKey(configured: null, Name);
            await anotherReplicas.LoadAsync(redis);
            Assert.Equal(32, key.Value.Length);
            Assert.Equal(key.Value, anotherReplicas.Value);

            // A stored value that is not a key is refused with the fix, never used (an empty key would sign forgeries).
            await redis.GetDatabase().StringSetAsync(Name, "");
            var refusedKey = await Assert.ThrowsAsync<InvalidDataException>(() => new DeploymentKey(configured: null, Name).LoadAsync(redis));
            Assert.Contains("Delete it", refusedKey.Message);
        }
        finally
        {
            await loader.StopAsync(CancellationToken.None);
            server.Kill();
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void A_configured_secret_needs_no_redis_and_every_replica_derives_the_same_key()
    {
        var key = new DeploymentKey("a-deployments-secret-0123456789", Name);
        Assert.True(key.IsLoaded);
        Assert.Equal(DeploymentKey.FromSecret("a-deployments-secret-0123456789"), key.Value);
        Assert.NotEqual(DeploymentKey.FromSecret("another-secret-0123456789abcdef"), key.Value);
    }
}
