"""Play a whole campaign year of 汪场镇 through the HTTP API, as each role would.

    python docs/api_example_year.py --base http://127.0.0.1:8000

against the server of `make run` (the demo accounts of `seed_demo`, password
pingan-demo-2023). Standard library only: any case or 综治中心 system can do the same.

The town office creates and opens a campaign for the year after its latest one; every
secretary answers every criterion (the camera count with a document as evidence) and submits;
the town records its findings and concludes, after giving the first village more time and
sending its cameras back once with a reason; the leading group approves; the town files the
pass list and reads it back; the city draws its sample and re-reviews it; the town inspects a
laggard, orders a rectification, accepts the report and names the laggard in a bulletin; the
town prepares one passer as a demonstration candidate, the city re-reviews and recommends it;
the city closes the review (yearly titles) and the province names the candidate. Every
printed document is fetched as a PDF (`Accept: application/pdf`). The script ends by listing
the titles of the year and the three rates, and fails if they are not the expected ones.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid

TOWN_CODE = "429006104"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class ApiError(Exception):
    pass


class Client:
    def __init__(self, base, token=None):
        self.base = base.rstrip("/") + "/api/v1/"
        self.token = token

    def call(self, method, path, body=None, content_type="application/json"):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise ApiError(f"{method} {path}: {error.code} {detail}") from None

    def get(self, path):
        return self.call("GET", path)

    def pdf(self, url):
        """A printed document: a resource's detail asked for as PDF, or its `pdf` link."""
        headers = {"Accept": "application/pdf", "Authorization": f"Token {self.token}"}
        if not url.startswith("http"):
            url = self.base + url
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
                content = response.read()
        except urllib.error.HTTPError as error:
            raise ApiError(f"GET {url}: {error.code} {error.read().decode()}") from None
        if response.headers["Content-Type"] != "application/pdf" or not content.startswith(b"%PDF"):
            raise ApiError(f"GET {url}: 不是 PDF 文件")
        return content

    def post(self, path, body=None):
        return self.call("POST", path, body if body is not None else {})

    def every(self, path):
        """All the items of a paginated list."""
        page = self.get(path)
        items = page["results"]
        while page["next"]:
            page = self.call("GET", page["next"].split("/api/v1/", 1)[1])
            items += page["results"]
        return items

    def upload(self, path, fields, name, content):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, value in fields.items()
        ]
        body = (
            "".join(parts).encode()
            + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.call("POST", path, body, f"multipart/form-data; boundary={boundary}")


def sign_in(base, username, password):
    token = Client(base).post("auth/token/", {"username": username, "password": password})
    return Client(base, token["token"])


def judged(criteria):
    return [c for c in criteria if c["kind"] != "group"]


def answer(criterion, cameras):
    if criterion["kind"] == "veto":
        return {"veto_occurred": False}
    if criterion["kind"] == "threshold":
        return {"value": cameras}
    if criterion["kind"] == "scored":
        return {"score": criterion["max_score"]}
    return {"met": True, "narrative": "已落实"}


def agreeing(criteria):
    return [{"criterion_id": c["id"], "agrees": True} for c in judged(criteria)]


def fill(client, assessment_id, criteria, cameras=6):
    client.post(
        f"assessments/{assessment_id}/plan/",
        {"plan_text": "一、目标任务……二、工作措施……", "outreach_text": "延伸到各湾组、网格"},
    )
    for criterion in judged(criteria):
        body = {"criterion_id": criterion["id"], **answer(criterion, cameras)}
        client.post(f"assessments/{assessment_id}/answers/", body)
        if criterion["evidence_required"]:
            client.upload(
                f"assessments/{assessment_id}/evidence/",
                {"criterion_id": criterion["id"]},
                "台账.pdf",
                PDF,
            )
    return client.post(f"assessments/{assessment_id}/submit/")


def play(base, password, short_of_cameras):
    def person(username):
        return sign_in(base, username, password)

    town, leader, city, province = (
        person(name) for name in ("town_office", "town_leader", "city", "province")
    )
    wangchang = next(r for r in town.every("regions/?level=town") if r["code"] == TOWN_CODE)
    standards = town.every("standards/")
    safe_village = max(
        (s for s in standards if s["kind"] == "safe_village"), key=lambda s: s["version"]
    )
    demonstration = max(
        (s for s in standards if s["kind"] == "demonstration"), key=lambda s: s["version"]
    )
    taken = {c["year"] for c in town.every(f"campaigns/?town={wangchang['id']}")}
    year = max(taken | {2024}) + 1
    campaign = town.post(
        "campaigns/",
        {
            "town_id": wangchang["id"],
            "year": year,
            "standard_id": safe_village["id"],
            "self_assessment_due": f"{year}-06-30",
            "town_assessment_due": f"{year}-07-31",
            "city_review_due": f"{year}-09-30",
        },
    )
    campaign = town.post(f"campaigns/{campaign['id']}/open/")
    print(f"{year}年度创建活动已启动：{campaign['town_name']}")

    cameras_criterion = next(c for c in safe_village["criteria"] if c["kind"] == "threshold")
    assessments = town.every(f"assessments/?campaign={campaign['id']}")
    for position, assessment in enumerate(assessments):
        village = town.get(f"villages/{assessment['village']}/")
        secretary = person(f"secretary_{village['code'][-3:]}")
        cameras = 4 if village["name"] in short_of_cameras else 6
        if position == 0:
            town.post(
                f"assessments/{assessment['id']}/extend/",
                {"due_date": f"{year}-07-15", "reason": "村“两委”换届，延长半个月"},
            )
        fill(secretary, assessment["id"], safe_village["criteria"], cameras)
        if position == 0:
            returned = town.post(
                f"assessments/{assessment['id']}/return/",
                {"comments": {str(cameras_criterion["id"]): "请补充探头接入综治中心的截图"}},
            )
            reasons = [e for e in returned["events"] if e["comments"]][-1]["comments"]
            print(f"  {village['name']}：延期至{year}年7月15日；退回：{reasons[0]['text']}")
            body = {"criterion_id": cameras_criterion["id"], "value": cameras}
            secretary.post(f"assessments/{assessment['id']}/answers/", body)
            secretary.post(f"assessments/{assessment['id']}/submit/")
        town.post(
            f"assessments/{assessment['id']}/findings/",
            {"stage": "town", "findings": agreeing(safe_village["criteria"])},
        )
        concluded = town.post(f"assessments/{assessment['id']}/conclude-town/")
        verdict = (
            "达标"
            if concluded["town_passed"]
            else "不达标：" + "；".join(concluded["town_reasons"])
        )
        print(f"  {village['name']}：自评已提交，镇级考核{verdict}")

    town.post(f"campaigns/{campaign['id']}/close-self-assessment/")
    leader.post(f"campaigns/{campaign['id']}/approve/", {"reason": "经领导小组会议审定"})
    town.post(
        f"campaigns/{campaign['id']}/pass-list/",
        {"document_number": f"汪发〔{year}〕12号", "issued_on": f"{year}-08-10"},
    )
    campaign = town.post(f"campaigns/{campaign['id']}/file/")
    pass_list = city.get(f"campaigns/{campaign['id']}/pass-list/")
    listed = [entry["village_name"] for entry in pass_list["entries"]]
    expected_passers = [
        a["village_name"] for a in assessments if a["village_name"] not in short_of_cameras
    ]
    if not pass_list["filed"] or sorted(listed) != sorted(expected_passers):
        raise ApiError(f"达标名单与预期不符：{listed}")
    city.pdf(pass_list["pdf"])
    print(f"达标名单已报备：{pass_list['document_number']}，{len(listed)} 个")

    campaign = city.post(
        f"campaigns/{campaign['id']}/sample/",
        {"ratio": "0.3", "minimum_count": 3, "seed": f"example-{year}"},
    )
    sampled = campaign["sample"]["entries"]
    print(f"市级抽查 {len(sampled)} 个：" + "、".join(e["village_name"] for e in sampled))
    for entry in sampled:
        city.post(
            f"assessments/{entry['assessment']}/findings/",
            {"stage": "city", "findings": agreeing(safe_village["criteria"])},
        )
        city.post(f"assessments/{entry['assessment']}/conclude-city/")

    for laggard in (a for a in assessments if a["village_name"] in short_of_cameras):
        inspection = town.post(
            "inspections/",
            {
                "village_id": laggard["village"],
                "inspected_on": f"{year}-09-01",
                "inspectors": "镇平安办 张三、李四",
                "findings": [
                    {
                        "criterion_id": cameras_criterion["id"],
                        "met": False,
                        "comment": "高清探头不足5个",
                        "deadline": f"{year}-09-30",
                    }
                ],
            },
        )
        order = inspection["findings"][0]["order"]
        secretary = person(f"secretary_{laggard['village_code'][-3:]}")
        secretary.pdf(f"rectification-orders/{order}/")
        secretary.post(f"rectification-orders/{order}/report/", {"report": "已加装至6个高清探头"})
        accepted = town.post(f"rectification-orders/{order}/accept/", {"comment": "经查属实"})
        print(f"  抽查{laggard['village_name']}：限期整改{accepted['status']}")
    if short_of_cameras:
        bulletin = town.post(
            "bulletins/",
            {
                "town_id": wangchang["id"],
                "document_number": f"汪发〔{year}〕20号",
                "title": "关于平安村(社区)创建工作滞后村(社区)的通报",
                "body": "各村(社区)党组织：\n抽查发现下列村(社区)技防设施不达标，现予通报。",
                "issuer": "中共汪场镇委员会",
                "issued_on": f"{year}-09-05",
                "village_ids": [
                    a["village"] for a in assessments if a["village_name"] in short_of_cameras
                ],
            },
        )
        town.pdf(f"bulletins/{bulletin['id']}/")
        print(f"重点通报已印发：{bulletin['document_number']}")

    candidate = sampled[0]
    candidacy = town.post(f"assessments/{candidate['assessment']}/candidacy/")
    fill(town, candidacy["id"], demonstration["criteria"])
    city.post(
        f"assessments/{candidacy['id']}/findings/",
        {"stage": "city", "findings": agreeing(demonstration["criteria"])},
    )
    city.post(f"assessments/{candidacy['id']}/conclude-city/")
    tianmen = next(r for r in city.every("regions/?level=city") if r["code"] == "429006")
    recommended = city.post(
        "recommendation-lists/",
        {
            "city_id": tianmen["id"],
            "year": year,
            "document_number": f"天平安组〔{year}〕3号",
            "title": f"关于推荐{year}年度平安湖北建设示范村(社区)的报告",
            "body": "经市级复核，推荐以下村(社区)为平安湖北建设示范村(社区)。",
            "issuer": "中共天门市委平安天门建设领导小组办公室",
            "issued_on": f"{year}-10-08",
            "picks": [{"assessment_id": candidacy["id"], "justification": "各项指标全部达标"}],
        },
    )
    city.pdf(f"recommendation-lists/{recommended['id']}/")
    city.post(f"campaigns/{campaign['id']}/close-review/")

    hubei = next(r for r in province.every("regions/?level=province") if r["code"] == "42")
    province.post(
        "namings/",
        {
            "province_id": hubei["id"],
            "first_year": year,
            "document_number": f"鄂平安办〔{year}〕8号",
            "issuer": "中共湖北省委平安湖北建设领导小组办公室",
            "named_on": f"{year}-12-20",
            "picks": [
                {
                    "recommendation_id": recommended["recommendations"][0]["id"],
                    "certificate_number": f"鄂平安示范〔{year}〕001",
                }
            ],
        },
    )

    titles = town.every(f"titles/?year={year}&town={wangchang['code']}")
    yearly = sorted(t["village_name"] for t in titles if t["kind"] == "safe_village")
    named = [t["village_name"] for t in titles if t["kind"] == "demonstration"]
    for title in titles:
        if title["kind"] == "demonstration":
            town.pdf(f"titles/{title['id']}/")
    print(f"{year}年度平安村(社区) {len(yearly)} 个：" + "、".join(yearly))
    print(f"{year}—{year + 1}年度平安湖北建设示范村(社区)：" + "、".join(named))
    expected = sorted(
        a["village_name"] for a in assessments if a["village_name"] not in short_of_cameras
    )
    if yearly != expected or named != [candidate["village_name"]]:
        raise ApiError("称号与预期不符")

    # The three rates as the pages count them, read back and checked against what was played.
    standing = city.get(f"regions/{tianmen['code']}/standing/?year={year}")
    rates = standing["rates"]
    passed = len(assessments) - len(short_of_cameras)
    reviewed_passed = sum(1 for entry in sampled if entry["village_name"] not in short_of_cameras)
    if (rates["total"], rates["passed"], rates["holding"]) != (
        len(assessments),
        passed,
        len(yearly),
    ) or (rates["reviewed"], rates["review_passed"]) != (len(sampled), reviewed_passed):
        raise ApiError(f"三项比率与预期不符：{rates}")
    print(
        f"达标率 {rates['pass_rate']['value']}，复核合格率 {rates['review_pass_rate']['value']}，"
        f"称号保有率 {rates['holding_rate']['value']}(目标 {rates['target']})"
    )
    return year, yearly, named


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default="pingan-demo-2023")
    parser.add_argument(
        "--short-of-cameras",
        nargs="*",
        default=["新沟村"],
        help="报告只有 4 个高清探头、镇级考核不达标的村(社区)",
    )
    arguments = parser.parse_args()
    try:
        play(arguments.base, arguments.password, set(arguments.short_of_cameras))
    except ApiError as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main()
