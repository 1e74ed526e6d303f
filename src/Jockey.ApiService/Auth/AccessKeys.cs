using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Auth;

/// <summary>The configured access keys (mode <c>key</c>), each standing for one user.</summary>
public sealed class AccessKeys(IOptions<AuthOptions> options)
{
    private readonly byte[][] _digests = [.. (options.Value.AccessKeys ?? []).Select(Digest)];

    /// <summary>
    /// The user a key signs in, or null. Every configured key is compared, in constant time, whichever matches: how
    /// long this takes says nothing about a key. Digests first, so the lengths compared are always the same too.
    /// </summary>
    public SessionUser? Match(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate)) return null;
        var digest = Digest(candidate);
        SessionUser? match = null;
        foreach (var known in _digests)
        {
            if (CryptographicOperations.FixedTimeEquals(known, digest)) match = UserOf(known);
        }
        return match;
    }

    /// <summary>Whether a user a session names still has a key (a removed key signs its sessions out).</summary>
    public bool IsCurrent(string userId) => _digests.Any(known => UserOf(known).Id == userId);

    /// <summary>
    /// A key's user is named after its digest, never the key: stable across restarts and replicas, the same whatever
    /// order the keys are listed in, and of no use to anyone who reads it in a log or a thread's record.
    /// </summary>
    private static SessionUser UserOf(byte[] digest)
    {
        var id = $"key-{Convert.ToHexStringLower(digest)[..12]}";
        return new SessionUser(id, id);
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
