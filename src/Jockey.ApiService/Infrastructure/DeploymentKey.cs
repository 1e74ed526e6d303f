using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Jockey.ApiService.Infrastructure;

/// <summary>
/// A signing key every replica shares: the configured one, else one generated once per deployment and kept in Redis
/// (the first replica to ask stores a random key with SET NX; every other one reads the same). It is loaded when the
/// replica starts (<see cref="DeploymentKeyLoader"/>), so signing and checking never wait on Redis; a failed load is
/// not remembered, the next attempt asks Redis again.
/// </summary>
public sealed class DeploymentKey
{
    private readonly RedisKey _generatedKey;
    private byte[]? _value;

    public DeploymentKey(string? configured, RedisKey generatedKey)
    {
        _generatedKey = generatedKey;
        if (!string.IsNullOrEmpty(configured)) _value = FromSecret(configured);
    }

    /// <summary>The key; until Redis has answered once, a connection failure (a 503 for a request) that says so.</summary>
    public byte[] Value => Volatile.Read(ref _value) ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
        $"The shared signing key ({_generatedKey}) is not loaded yet: Redis has not answered since this replica started.");

    public bool IsLoaded => Volatile.Read(ref _value) is not null;

    public async Task LoadAsync(IConnectionMultiplexer redis)
    {
        if (IsLoaded) return;
        var db = redis.GetDatabase();
        await db.StringSetAsync(_generatedKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), when: When.NotExists);
        var stored = await db.StringGetAsync(_generatedKey);
        Volatile.Write(ref _value, Convert.FromBase64String(stored.ToString()));
    }

    /// <summary>The key a configured secret stands for.</summary>
    public static byte[] FromSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
