from whitenoise.runserver_nostatic.management.commands.runserver import (
    Command as RunserverCommand,
)

from villages.management.commands.seed_demo import DEMO_PASSWORD, OFFICE_ACCOUNTS


class Command(RunserverCommand):
    help = "启动开发服务器，并在启动信息末尾列出演示账号及密码(make run 使用)。"

    def on_bind(self, server_port):
        super().on_bind(server_port)
        address = f"{self.protocol}://{self.addr}:{server_port}/"
        offices = "".join(
            f"  {username:<12} {role.label}\n" for username, role, _ in OFFICE_ACCOUNTS
        )
        self.stdout.write(
            "\n"
            f"平安村(社区)创建考评平台已启动：{address}\n"
            f"演示账号(密码均为 {DEMO_PASSWORD})：\n"
            f"{offices}"
            "  secretary_203 等 村(社区)党组织书记(用户名后三位为区划代码末三位)\n"
        )
