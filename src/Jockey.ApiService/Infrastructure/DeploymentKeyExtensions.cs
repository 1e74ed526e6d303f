using StackExchange.Redis;

namespace Jockey.ApiService.Infrastructure;

public static class DeploymentKeyExtensions
{
    /// <summary>Loads the key a <typeparamref name="TUser"/> signs with when the replica starts (<see cref="DeploymentKeyLoader"/>).</summary>
    public static IServiceCollection LoadDeploymentKeyAtStart<TUser>(this IServiceCollection services, Func<TUser, DeploymentKey> keyOf)
        where TUser : notnull =>
        // AddHostedService would keep only one loader: it adds a service once per implementation type.
        services.AddSingleton<IHostedService>(sp => new DeploymentKeyLoader(
            keyOf(sp.GetRequiredService<TUser>()), sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<ILogger<DeploymentKeyLoader>>()));
}
