namespace Jockey.LocalAgent.Search;

public static class SearchSetup
{
    public static IHostApplicationBuilder AddVideoSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<VideoSearch>();
        builder.Services.AddSingleton<Thumbnails>();
        return builder;
    }
}
