using Jockey.ApiService.Infrastructure;

namespace Jockey.ApiService.Media;

public static class MediaExtensions
{
    public static IHostApplicationBuilder AddMedia(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MediaOptions>().BindConfiguration("Media").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<MediaContainer>();
        builder.Services.AddSingleton<MediaStore>();
        builder.Services.AddSingleton<AgentFileUrls>();
        builder.Services.LoadDeploymentKeyAtStart<AgentFileUrls>(urls => urls.Key);
        return builder;
    }
}
