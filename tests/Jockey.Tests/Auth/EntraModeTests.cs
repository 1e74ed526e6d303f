using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Jockey.ApiService.Auth;
using Jockey.Testing;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Auth;

/// <summary>
/// The API with <c>Auth:Mode</c> entra, its one trusted proxy at 127.0.0.2: the stand-in for Container Apps' built-in
/// authentication and the web server behind it connects from there, any other caller from 127.0.0.1.
/// </summary>
public sealed class EntraAuthFixture : ApiAppFixture
{
    public static readonly IPAddress PlatformAddress = IPAddress.Parse("127.0.0.2");

    protected override void Configure(TestingOptions options)
    {
        base.Configure(options);
        options.Environment("apiservice", "Auth__Mode", "entra");
        options.Environment("apiservice", "ForwardedHeaders__KnownProxies__0", PlatformAddress.ToString());
    }

    /// <summary>
    /// The platform's side of a request, over real HTTP straight to the replica: what the built-in authentication adds
    /// for a signed-in user, sent from the trusted address; or the same headers from an untrusted one.
    /// </summary>
    public HttpClient Client(string? principalId, string? principalName, bool fromPlatform)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(fromPlatform ? PlatformAddress : IPAddress.Loopback, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = App.GetEndpoint("apiservice", replica: 0) };
        if (principalId is not null)
        {
            client.DefaultRequestHeaders.Add(PlatformPrincipal.IdHeader, principalId);
            client.DefaultRequestHeaders.Add(PlatformPrincipal.NameHeader, principalName);
            client.DefaultRequestHeaders.Add(PlatformPrincipal.ProviderHeader, "aad");
        }
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class EntraAuthCollection : ICollectionFixture<EntraAuthFixture>
{
    public const string Name = "auth-entra";
}

[Collection(EntraAuthCollection.Name)]
public sealed class EntraModeTests(EntraAuthFixture fixture)
{
    private const string AliceId = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private const string BobId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    [Fact]
    public async Task The_platforms_principal_headers_sign_a_user_in_only_when_they_come_from_the_trusted_path()
    {
        var ct = Timeout();
        using var platform = fixture.Client(AliceId, "alice@contoso.example", fromPlatform: true);
        using var spoofed = fixture.Client(AliceId, "alice@contoso.example", fromPlatform: false);
        using var anonymous = fixture.Client(null, null, fromPlatform: true);

        var session = await platform.GetFromJsonAsync<JsonElement>("/api/auth/session", ct);
        using var refused = await spoofed.GetAsync("/api/config", ct);
        using var nobody = await anonymous.GetAsync("/api/config", ct);

        Assert.Equal("entra", session.GetProperty("mode").GetString());
        Assert.Equal("alice@contoso.example", session.GetProperty("user").GetProperty("name").GetString());
        Assert.StartsWith("/.auth/logout", session.GetProperty("sign_out_url").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("entra", problem.GetProperty("auth_mode").GetString());
        Assert.StartsWith("/.auth/login/aad", problem.GetProperty("sign_in_url").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }

    [Fact]
    public async Task A_thread_belongs_to_the_platform_user_who_made_it()
    {
        var ct = Timeout();
        using var alice = await WithAntiForgeryAsync(fixture.Client(AliceId, "alice@contoso.example", fromPlatform: true), ct);
        using var bob = await WithAntiForgeryAsync(fixture.Client(BobId, "bob@contoso.example", fromPlatform: true), ct);

        var threadId = await InitAsync(alice, ct);
        using var own = await alice.GetAsync($"/api/threads/{threadId}", ct);
        using var others = await bob.GetAsync($"/api/threads/{threadId}", ct);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
    }

    private static async Task<HttpClient> WithAntiForgeryAsync(HttpClient client, CancellationToken ct)
    {
        var session = await client.GetFromJsonAsync<JsonElement>("/api/auth/session", ct);
        client.DefaultRequestHeaders.Add(SessionGate.AntiForgeryHeader, session.GetProperty("csrf_token").GetString());
        return client;
    }
}
