using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Jockey.ApiService.Auth;

/// <summary>Who a request is from: <see cref="Id"/> owns threads and run budgets, <see cref="Name"/> is what the app shows.</summary>
public sealed record SessionUser(string Id, string Name)
{
    public ClaimsPrincipal ToPrincipal(string authenticationType) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, Id), new Claim(ClaimTypes.Name, Name)], authenticationType));
}

public static class SessionUserExtensions
{
    /// <summary>The signed-in user's id; null with <c>Auth:Mode</c> none, where threads belong to whoever holds their id.</summary>
    public static string? OwnerId(this ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    /// <summary>
    /// The principal the session gate set, or null. Unlike <c>HttpContext.User</c> it never creates an anonymous one,
    /// which a stream would hold for its whole life.
    /// </summary>
    public static ClaimsPrincipal? SignedInUser(this HttpContext context) => context.Features.Get<IHttpAuthenticationFeature>()?.User;

    public static SessionUser? SessionUser(this ClaimsPrincipal? user) =>
        user.OwnerId() is { } id ? new SessionUser(id, user!.FindFirstValue(ClaimTypes.Name) ?? id) : null;
}
