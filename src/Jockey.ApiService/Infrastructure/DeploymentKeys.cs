using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Jockey.ApiService.Infrastructure;

/// <summary>A signing key every replica shares: the configured one, else one generated once per deployment and kept in Redis.</summary>
public static class DeploymentKeys
{
    /// <summary>The key a configured secret stands for.</summary>
    public static byte[] FromSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The first replica to ask stores a random key (SET NX); every other one reads the same.</summary>
    public static byte[] Load(string? configured, IConnectionMultiplexer redis, RedisKey generatedKey)
    {
        if (!string.IsNullOrEmpty(configured)) return FromSecret(configured);
        var db = redis.GetDatabase();
        db.StringSet(generatedKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), when: When.NotExists);
        return Convert.FromBase64String(db.StringGet(generatedKey).ToString());
    }
}
