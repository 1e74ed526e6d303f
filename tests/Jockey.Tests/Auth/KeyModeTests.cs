using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Jockey.ApiService.Auth;
using Jockey.ApiService.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Auth;

/// <summary>
/// <c>Auth:Mode</c> key: without a session every endpoint but the health checks and signing in answers 401 and says
/// nothing about what exists; with one each works as before.
/// </summary>
[Collection(KeyAuthCollection.Name)]
public sealed class KeyModeTests(KeyAuthFixture fixture)
{
    /// <summary>Every endpoint the API maps, one row each: what it answers a signed-in user A (its own thread).</summary>
    [Theory]
    [InlineData("GET", "/api/auth/session", 200)]
    [InlineData("GET", "/api/config", 200)]
    [InlineData("GET", "/api/config/index-id", 200)]
    [InlineData("GET", "/api/indexes", 200)]
    [InlineData("GET", "/api/indexes/sample/videos", 200)]
    [InlineData("POST", "/api/process/init", 200)]
    [InlineData("POST", "/api/process", 400)]
    [InlineData("GET", "/api/threads/{thread}", 200)]
    [InlineData("POST", "/api/threads/{thread}/shares", 201)]
    [InlineData("DELETE", "/api/threads/{thread}/shares/AAAAAAAAAAAAAAAAAAAAAAAA", 404)]
    [InlineData("PUT", "/api/threads/{thread}/watchers/tab-0123456789", 200)]
    [InlineData("DELETE", "/api/threads/{thread}/watchers/tab-0123456789", 200)]
    [InlineData("GET", "/api/library", 200)]
    [InlineData("GET", "/api/shared/{share}", 200)]
    [InlineData("SSE", "/api/shared/{share}/stream", 200)]
    [InlineData("GET", "/api/operations/{operation}", 200)]
    [InlineData("POST", "/api/operations/{operation}/cancel", 200)]
    [InlineData("SSE", "/api/stream?thread_id={thread}", 200)]
    [InlineData("POST", "/hubs/jockey/negotiate?negotiateVersion=1", 200)]
    [InlineData("WS", "/hubs/jockey", 101)]
    [InlineData("WS", "/api/ws/audio/{thread}", 101)]
    [InlineData("GET", "/{media}", 302)]
    [InlineData("GET", "/api/jockey/files/sample/v1.jpg?exp=1&sig=forged", 403)]
    [InlineData("GET", "/openapi/v1.json", 200)]
    [InlineData("GET", "/scalar/", 200)]
    [InlineData("GET", "/no/such/endpoint", 404)]
    public async Task Without_a_session_the_endpoint_answers_401_and_leaks_nothing_and_with_one_it_works(string kind, string template, int signedIn)
    {
        var ct = Timeout();
        var world = await fixture.WorldAsync(ct);
        var path = world.Fill(template);
        using var anonymous = fixture.Api();
        using var owner = await fixture.SignInAsync(KeyAuthFixture.KeyA, ct);

        var (refusedStatus, refusedBody, refusedType) = await CallAsync(anonymous, kind, path, ct);
        var (status, _, _) = await CallAsync(owner, kind, path, ct);

        Assert.Equal(401, refusedStatus);
        if (kind != "WS")
        {
            // A refused WebSocket's body is not readable from ClientWebSocket; its status is the answer.
            Assert.Equal("application/problem+json", refusedType);
            Assert.Contains("Sign-in required", refusedBody);
        }
        foreach (var secret in new[] { world.ThreadId, world.OperationId, world.ShareId, "sample" }) Assert.DoesNotContain(secret, refusedBody);
        Assert.Equal(signedIn, status);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Health_checks_answer_without_a_session(string path)
    {
        using var anonymous = fixture.Api();
        using var response = await anonymous.GetAsync(path, Timeout());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task User_B_gets_404_for_user_As_thread_on_every_endpoint_as_for_an_id_that_never_existed()
    {
        var ct = Timeout();
        var world = await fixture.WorldAsync(ct);
        using var other = await fixture.SignInAsync(KeyAuthFixture.KeyB, ct);
        var unknown = Jockey.ApiService.Threads.ThreadStore.NewId();

        foreach (var (method, template, body) in new (string, string, object?)[]
        {
            ("GET", "/api/threads/{thread}", null),
            ("POST", "/api/process", new { text = "Make a short sunrise video", thread_id = "{thread}" }),
            ("SSE", "/api/stream?thread_id={thread}", null),
            ("POST", "/api/threads/{thread}/shares", null),
            ("DELETE", "/api/threads/{thread}/shares/{share}", null),
            ("GET", "/api/operations/{operation}", null),
            ("POST", "/api/operations/{operation}/cancel", null),
            ("PUT", "/api/threads/{thread}/watchers/tab-0123456789", null),
            ("DELETE", "/api/threads/{thread}/watchers/tab-0123456789", null),
        })
        {
            var theirs = await CallAsync(other, method, world.Fill(template), ct, Fill(body, world.ThreadId));
            var nobodys = await CallAsync(other, method, template.Replace("{thread}", unknown).Replace("{operation}", unknown).Replace("{share}", unknown), ct, Fill(body, unknown));
            Assert.True(theirs.Status == 404, $"{method} {template}: {theirs.Status} {theirs.Body}");
            Assert.Equal(nobodys.Body.Replace(unknown, "<id>"), theirs.Body.Replace(world.ThreadId, "<id>").Replace(world.OperationId, "<id>").Replace(world.ShareId, "<id>"), ProblemWithoutTrace.Instance);
        }

        var hub = Hub(fixture.App.GetEndpoint("apiservice"), options => options.Headers["Cookie"] = other.DefaultRequestHeaders.GetValues("Cookie").Single());
        await hub.StartAsync(ct);
        await using (hub)
        {
            var subscribe = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync("Subscribe", world.ThreadId, 0L, ct));
            var cancel = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync<JsonElement>("Cancel", world.OperationId, ct));
            Assert.Contains("does not exist", subscribe.Message);
            Assert.Contains("does not exist", cancel.Message);
        }

        using var socket = await ConnectSocketAsync($"/api/ws/audio/{world.ThreadId}", other, origin: null, ct);
        Assert.Equal(WebSocketState.Open, socket.State);
        var closed = await socket.ReceiveAsync(new byte[1024], ct);
        Assert.Equal(WebSocketMessageType.Close, closed.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Contains("does not exist", socket.CloseStatusDescription);

        using var owner = await fixture.SignInAsync(KeyAuthFixture.KeyA, ct);
        Assert.Equal(200, (await CallAsync(owner, "GET", $"/api/threads/{world.ThreadId}", ct)).Status);
    }

    [Fact]
    public async Task An_expired_a_forged_and_a_foreign_cookie_are_refused()
    {
        var ct = Timeout();
        using var valid = await fixture.SignInAsync(KeyAuthFixture.KeyA, ct);
        var userId = (await valid.GetFromJsonAsync<JsonElement>("/api/auth/session", ct)).GetProperty("user").GetProperty("id").GetString()!;
        var key = DeploymentKey.FromSecret(KeyAuthFixture.SessionSecret);
        var expired = SessionTokens.Issue(key, new Session(userId, "s1", DateTimeOffset.UtcNow.AddMinutes(-1)));
        var live = SessionTokens.Issue(key, new Session(userId, "s1", DateTimeOffset.UtcNow.AddHours(1)));
        // The payload says another user; the MAC is still the genuine one for user A.
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes($"key-000000000000\ns1\n{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + live.Split('.')[1];
        var foreign = SessionTokens.Issue(DeploymentKey.FromSecret("another-deployments-secret-0123456789"), new Session(userId, "s1", DateTimeOffset.UtcNow.AddHours(1)));

        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(live));
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(expired));
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(foreign));
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync("garbage"));

        async Task<HttpStatusCode> SessionStatusAsync(string cookie)
        {
            using var api = fixture.Api();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/session");
            request.Headers.Add("Cookie", $"{SessionGate.CookieName}={cookie}");
            using var response = await api.SendAsync(request, ct);
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task Signing_in_sets_an_HttpOnly_SameSite_Strict_cookie_with_an_expiry_that_is_Secure_outside_loopback_and_signing_out_clears_it()
    {
        var ct = Timeout();
        using var api = fixture.Api();

        using var wrong = await api.PostAsJsonAsync(AuthApi.SignInPath, new { key = "not-a-key-0123456789abcdef" }, ct);
        using var local = await api.PostAsJsonAsync(AuthApi.SignInPath, new { key = KeyAuthFixture.KeyA }, ct);
        using var publicHost = new HttpRequestMessage(HttpMethod.Post, AuthApi.SignInPath) { Content = JsonContent.Create(new { key = KeyAuthFixture.KeyA }) };
        // The web server in front (loopback: a trusted proxy) forwards the host the browser asked for.
        publicHost.Headers.Add("X-Forwarded-Host", "jockey.example");
        using var remote = await api.SendAsync(publicHost, ct);
        using var signOut = await api.PostAsync(AuthApi.SignOutPath, null, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        Assert.DoesNotContain("not-a-key", await wrong.Content.ReadAsStringAsync(ct));
        var cookie = local.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        Assert.Contains("expires=", cookie);
        Assert.DoesNotContain("secure", cookie);
        Assert.Contains("secure", remote.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant());
        Assert.Contains("expires=thu, 01 jan 1970", signOut.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant());
    }

    [Fact]
    public async Task A_request_that_changes_something_needs_the_anti_forgery_token_of_its_own_session()
    {
        var ct = Timeout();
        using var signedIn = await fixture.SignInAsync(KeyAuthFixture.KeyA, ct);
        using var other = await fixture.SignInAsync(KeyAuthFixture.KeyA, ct);
        var cookie = signedIn.DefaultRequestHeaders.GetValues("Cookie").Single();
        using var api = fixture.Api();

        using var without = new HttpRequestMessage(HttpMethod.Post, "/api/process/init");
        without.Headers.Add("Cookie", cookie);
        using var anotherSessions = new HttpRequestMessage(HttpMethod.Post, "/api/process/init");
        anotherSessions.Headers.Add("Cookie", cookie);
        anotherSessions.Headers.Add(SessionGate.AntiForgeryHeader, other.DefaultRequestHeaders.GetValues(SessionGate.AntiForgeryHeader).Single());
        using var refusedWithout = await api.SendAsync(without, ct);
        using var refusedOther = await api.SendAsync(anotherSessions, ct);
        using var accepted = await signedIn.PostAsync("/api/process/init", null, ct);

        Assert.Equal(HttpStatusCode.Forbidden, refusedWithout.StatusCode);
        Assert.Contains(SessionGate.AntiForgeryHeader, await refusedWithout.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.Forbidden, refusedOther.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task A_cross_origin_WebSocket_is_refused_even_with_a_session()
    {
        var ct = Timeout();
        var world = await fixture.WorldAsync(ct);
        using var owner = await fixture.SignInAsync(KeyAuthFixture.KeyA, ct);

        using var audio = await ConnectSocketAsync($"/api/ws/audio/{world.ThreadId}", owner, "http://evil.example", ct);
        using var hub = await ConnectSocketAsync("/hubs/jockey", owner, "http://evil.example", ct);
        using var own = await ConnectSocketAsync($"/api/ws/audio/{world.ThreadId}", owner, $"http://{fixture.App.GetEndpoint("apiservice").Authority}", ct);

        Assert.Equal(HttpStatusCode.Forbidden, audio.HttpStatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, hub.HttpStatusCode);
        Assert.Equal(WebSocketState.Open, own.State);
    }

    [Fact]
    public async Task The_run_budget_is_the_users_across_two_addresses()
    {
        var ct = Timeout();
        using var carol = await fixture.SignInAsync(KeyAuthFixture.KeyC, ct);
        using var alice = await fixture.SignInAsync(KeyAuthFixture.KeyA, ct);

        var answers = new List<HttpStatusCode>();
        for (var run = 0; run <= KeyAuthFixture.Permits; run++)
        {
            answers.Add(await StartFromAsync(carol, run % 2 == 0 ? "198.51.100.1" : "198.51.100.2"));
        }
        var othersRun = await StartFromAsync(alice, "198.51.100.1");

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Accepted, KeyAuthFixture.Permits), HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(HttpStatusCode.Accepted, othersRun);

        async Task<HttpStatusCode> StartFromAsync(HttpClient api, string address)
        {
            var threadId = await InitAsync(api, ct);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/process") { Content = JsonContent.Create(new { text = "Make a short sunrise video", thread_id = threadId }) };
            // Through the web server (loopback: trusted), which names the browser's address.
            request.Headers.Add("X-Forwarded-For", address);
            using var response = await api.SendAsync(request, ct);
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task Api_answers_carry_security_headers()
    {
        using var api = fixture.Api();
        using var response = await api.GetAsync("/api/config", Timeout());

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    private static object? Fill(object? body, string threadId) =>
        body is null ? null : JsonSerializer.Deserialize<JsonElement>(JsonSerializer.Serialize(body).Replace("{thread}", threadId));

    private async Task<(int Status, string Body, string? Type)> CallAsync(HttpClient api, string kind, string path, CancellationToken ct, object? body = null)
    {
        if (kind == "WS")
        {
            using var socket = await ConnectSocketAsync(path, api, origin: null, ct);
            return ((int)socket.HttpStatusCode, "", null);
        }
        using var request = new HttpRequestMessage(new HttpMethod(kind == "SSE" ? "GET" : kind), path);
        if (body is not null || kind == "POST") request.Content = JsonContent.Create(body ?? new { });
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        // An SSE stream that opened stays open: its status and type are the answer.
        var text = kind == "SSE" && response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(ct);
        return ((int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>A WebSocket with the client's cookie (if any) and the given Origin; refused ones say how in <c>HttpStatusCode</c>.</summary>
    private Task<ClientWebSocket> ConnectSocketAsync(string path, HttpClient api, string? origin, CancellationToken ct) =>
        Api.CrossSiteSocketTests.ConnectAsync(fixture.App.GetEndpoint("apiservice"), path, origin, ct,
            api.DefaultRequestHeaders.TryGetValues("Cookie", out var cookies) ? cookies.Single() : null);

    /// <summary>Problem bodies compared without their per-request trace id.</summary>
    private sealed class ProblemWithoutTrace : IEqualityComparer<string>
    {
        public static readonly ProblemWithoutTrace Instance = new();

        public bool Equals(string? x, string? y) => Strip(x) == Strip(y);

        public int GetHashCode(string obj) => Strip(obj).GetHashCode();

        private static string Strip(string? body) =>
            body is null || !body.TrimStart().StartsWith('{') ? body ?? "" : System.Text.RegularExpressions.Regex.Replace(body, "\"trace_id\":\"[^\"]*\"", "");
    }
}
