using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Jockey.ApiService.Infrastructure;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Auth;

/// <summary>A signed-in browser's session as its cookie says it: who, which sign-in, until when.</summary>
public sealed record Session(string UserId, string SessionId, DateTimeOffset ExpiresAt);

/// <summary>
/// Session cookies and anti-forgery tokens, both HMAC-SHA256 under <c>Auth:SessionSecret</c> (or a key kept in Redis),
/// so any replica checks what another issued and nothing is stored per session. A cookie is
/// <c>base64url(user \n session \n expiry) . base64url(mac)</c>; a changed byte or a past expiry is refused.
/// </summary>
public sealed class SessionTokens(IOptions<AuthOptions> options, TimeProvider time)
{
    public DeploymentKey Key { get; } = new(options.Value.SessionSecret, "jockey:auth:session-key");

    public Session Start(string userId) =>
        new(userId, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), time.GetUtcNow().Add(options.Value.SessionLifetime));

    public string Issue(Session session) => Issue(Key.Value, session);

    /// <summary>The session a cookie holds, or null when it is malformed, forged or expired.</summary>
    public Session? Read(string? cookie)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Split('.') is not [var payload, var mac]) return null;
        if (!Base64Url.IsValid(payload) || !Base64Url.IsValid(mac)) return null;
        if (!CryptographicOperations.FixedTimeEquals(Mac(Key.Value, payload), Base64Url.DecodeFromChars(mac))) return null;
        if (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(payload)).Split('\n') is not [var user, var id, var expiry]) return null;
        if (!long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return null;
        var session = new Session(user, id, DateTimeOffset.FromUnixTimeSeconds(seconds));
        return session.ExpiresAt > time.GetUtcNow() ? session : null;
    }

    /// <summary>
    /// What the app sends back as <c>X-CSRF-Token</c> on requests that change something: bound to the user and the
    /// sign-in, readable only by a page of the app's own origin (it comes in a same-origin JSON answer).
    /// </summary>
    public string AntiForgery(string userId, string sessionId) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(Key.Value, Encoding.UTF8.GetBytes($"csrf\n{userId}\n{sessionId}")));

    public bool IsAntiForgery(string? token, string userId, string sessionId) =>
        !string.IsNullOrEmpty(token) && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(AntiForgery(userId, sessionId)), Encoding.ASCII.GetBytes(token));

    /// <summary>A cookie value under a given key: what <see cref="Issue(Session)"/> does, open to tests that mint expired or foreign ones.</summary>
    public static string Issue(byte[] key, Session session)
    {
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{session.UserId}\n{session.SessionId}\n{session.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}"));
        return $"{payload}.{Base64Url.EncodeToString(Mac(key, payload))}";
    }

    private static byte[] Mac(byte[] key, string payload) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(payload));
}
