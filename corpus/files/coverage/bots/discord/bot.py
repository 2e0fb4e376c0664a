import discord

intents = discord.Intents.default()
intents.message_content = True
client = discord.Client(intents=intents)


@client.event
async def on_message(message):
    if message.content.startswith("!status"):
        await message.channel.send("all systems nominal")

client.run("MzE4MzAwNzkxODM0MjI3Mzg0.SX_KI4.VE4P-KdwN7GREYJUtcGJ-nKnN2lse0sIcBexZb")
