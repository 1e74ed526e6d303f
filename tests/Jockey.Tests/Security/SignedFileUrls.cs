using Jockey.ApiService.Media;
using Jockey.Testing;
using StackExchange.Redis;

namespace Jockey.Tests.Security;

/// <summary>
/// Agent-file URLs signed as the API signs them, with the key the deployment generated and keeps in Redis: for files
/// the API hands out no URL of (a render, a file that does not exist) and for expired or forged signatures.
/// </summary>
public static class SignedFileUrls
{
    public static async Task<byte[]> KeyAsync(TestingApp app, CancellationToken ct)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await app.GetConnectionStringAsync("redis", ct));
        var key = await redis.GetDatabase().StringGetAsync("jockey:media:url-signing-key");
        Assert.False(key.IsNull, "No URL-signing key in Redis: the API stores one as it starts.");
        return Convert.FromBase64String(key.ToString());
    }

    public static async Task<string> UrlAsync(TestingApp app, string indexId, string file, CancellationToken ct, TimeSpan? validFor = null)
    {
        var expires = DateTimeOffset.UtcNow.Add(validFor ?? TimeSpan.FromHours(1)).ToUnixTimeSeconds();
        return $"{AgentFileUrls.Prefix}{indexId}/{file}?exp={expires}&sig={AgentFileUrls.Sign(await KeyAsync(app, ct), $"{indexId}/{file}", expires)}";
    }
}
