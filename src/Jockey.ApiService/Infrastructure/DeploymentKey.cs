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

    /// <summary>
    /// Stores a random key unless one is there and reads what is, in one script: between a separate SET NX and GET the
    /// key could vanish (a flush, a failover), and an empty key would sign anything anyone forges.
    /// </summary>
    public async Task LoadAsync(IConnectionMultiplexer redis)
    {
        if (IsLoaded) return;
        var stored = (string?)await redis.GetDatabase().ScriptEvaluateAsync(StoreOrRead, [_generatedKey], [Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes))]);
        Volatile.Write(ref _value, Decode(stored));
    }

    private byte[] Decode(string? stored)
    {
        var key = new byte[KeyBytes];
        if (stored is null || !Convert.TryFromBase64String(stored, key, out var length) || length != KeyBytes)
        {
            throw new InvalidDataException(
                $"The shared signing key in Redis ({_generatedKey}) is not a {KeyBytes}-byte base64 value. Delete it: every replica will then agree on a new one.");
        }
        return key;
    }

    private const int KeyBytes = 32;

    private const string StoreOrRead = "redis.call('SET', KEYS[1], ARGV[1], 'NX') return redis.call('GET', KEYS[1])";

    /// <summary>The key a configured secret stands for.</summary>
    public static byte[] FromSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
