namespace Jockey.ApiService.Media;

public static class MediaExtensions
{
    public static IHostApplicationBuilder AddMedia(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MediaOptions>().BindConfiguration("Media").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<MediaContainer>();
        builder.Services.AddSingleton<MediaStore>();
        builder.Services.AddSingleton<AgentFileUrls>();
        return builder;
    }
}
