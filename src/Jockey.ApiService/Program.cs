using Jockey.ApiService.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedis("redis");
builder.AddBlobStorage("blobs");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

// Lets the test project reach the entry assembly.
public partial class Program;
