using System.Net.Http.Json;
using System.Text.Json;
using Jockey.ApiService.Auth;
using Jockey.Testing;
using Jockey.Tests.Api;

namespace Jockey.Tests.Auth;

/// <summary>The API (real Redis and Azurite, the fake Jockey) with <c>Auth:Mode</c> key and four users' keys.</summary>
public sealed class KeyAuthFixture : ApiAppFixture
{
    public const string SessionSecret = "test-session-secret-0123456789abcdef";
    public const string KeyA = "alice-key-0123456789abcdef";
    public const string KeyB = "bob-key-0123456789abcdef";
    /// <summary>Spends its run budget in the budget test and nowhere else.</summary>
    public const string KeyC = "carol-key-0123456789abcdef";
    public const int Permits = 4;

    private Task<SignedInWorld>? _world;

    /// <summary>User A's thread, run, video and share, made once for the collection.</summary>
    public Task<SignedInWorld> WorldAsync(CancellationToken ct) => _world ??= CreateWorldAsync(ct);

    private async Task<SignedInWorld> CreateWorldAsync(CancellationToken ct)
    {
        using var owner = await SignInAsync(KeyA, ct);
        return await SignedInWorld.CreateAsync(owner, ct);
    }

    protected override void Configure(TestingOptions options)
    {
        base.Configure(options);
        options.Environment("apiservice", "Auth__Mode", "key");
        options.Environment("apiservice", "Auth__AccessKeys__0", KeyA);
        options.Environment("apiservice", "Auth__AccessKeys__1", KeyB);
        options.Environment("apiservice", "Auth__AccessKeys__2", KeyC);
        options.Environment("apiservice", "Auth__SessionSecret", SessionSecret);
        options.Environment("apiservice", "Limits__ProcessPermits", Permits.ToString());
        options.Environment("apiservice", "Limits__ProcessWindow", "00:10:00");
    }

    /// <summary>A client signed in with <paramref name="key"/>: the session cookie and the anti-forgery token on every request.</summary>
    public async Task<HttpClient> SignInAsync(string key, CancellationToken ct)
    {
        var api = Api();
        using var response = await api.PostAsJsonAsync(AuthApi.SignInPath, new { key }, ct);
        response.EnsureSuccessStatusCode();
        var session = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        api.DefaultRequestHeaders.Add("Cookie", SessionCookieOf(response));
        api.DefaultRequestHeaders.Add(SessionGate.AntiForgeryHeader, session.GetProperty("csrf_token").GetString());
        return api;
    }

    /// <summary><c>name=value</c> of the session cookie a response sets.</summary>
    public static string SessionCookieOf(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(cookie => cookie.StartsWith(SessionGate.CookieName + "=")).Split(';')[0];
}

[CollectionDefinition(Name)]
public sealed class KeyAuthCollection : ICollectionFixture<KeyAuthFixture>
{
    public const string Name = "auth-key";
}
