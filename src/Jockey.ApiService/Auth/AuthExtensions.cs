using Jockey.ApiService.Infrastructure;

namespace Jockey.ApiService.Auth;

public static class AuthExtensions
{
    /// <summary><c>Auth:Mode</c> and what it needs; with none (the default) nothing changes for any request.</summary>
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Auth").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AccessKeys>();
        builder.Services.AddSingleton<SessionTokens>();
        builder.Services.LoadDeploymentKeyAtStart<SessionTokens>(tokens => tokens.Key);
        return builder;
    }
}
