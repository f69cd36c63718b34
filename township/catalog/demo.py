"""Demo catalog: 白沙镇's 242-item hall catalog and 173 district powers, 尚村镇's 133 county powers.

Idempotent: items are keyed by implementation code; existing rows are left as they are.
Numbers from the source articles: 白沙镇 lists 242 service items and holds 173 powers delegated by 江津区;
尚村镇 holds 133 county powers (45 penalty, 40 public service, 21 licensing, 10 other, 10 confirmation,
5 supervision/inspection, 2 coercive). Item names are realistic for a town's hall; codes are demo codes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db import transaction

from township.catalog.models import (
    Delegation,
    DelegationMode,
    ExerciseLevel,
    HandlingKind,
    Item,
    Material,
    RiskClass,
    ThemeItem,
)
from township.catalog.pinyin import initials
from township.catalog.services import (
    department_for,
    do_publish_many,
    do_theme_save,
    material_type_for,
    validate_item,
)
from township.org.models import Jurisdiction, Role, RoleGrant, User

BAISHA = "500116108"
JIANGJIN = "500116"
SHANGCUN = "130926103"
SUNING = "130926"

HALL_PLACE = "白沙镇便民服务中心（白沙镇行政审批局）一楼综合窗口"
HALL_HOURS = "工作日 上午9:00—12:00，下午14:00—17:30（法定节假日除外）"

# ---- name pools ------------------------------------------------------------------------------

SOCIAL_SUBJECTS = [
    "城乡居民基本养老保险",
    "城乡居民基本医疗保险",
    "失业保险",
    "工伤保险",
    "被征地农民养老保障",
    "灵活就业人员社会保险",
]
SOCIAL_ACTIONS = ["参保登记", "信息变更登记", "待遇申领", "关系转移接续", "参保缴费查询", "注销登记"]
PUBLIC_SERVICES_BAISHA = [
    "就业创业证申领",
    "就业困难人员认定",
    "求职登记",
    "失业登记",
    "创业担保贷款申请",
    "公益性岗位补贴申领",
    "职业技能培训补贴申领",
    "农民工工资拖欠投诉受理",
    "高龄津贴申领",
    "残疾人证办理",
    "残疾人两项补贴申领",
    "困难群众临时救助申请",
    "特困人员救助供养申请",
    "老年人优待证办理",
    "婚姻登记预约服务",
    "殡葬补贴申领",
    "流动人口婚育证明办理",
    "独生子女父母光荣证办理",
    "计划生育家庭特别扶助申请",
    "农村危房改造申请",
    "农村宅基地使用申请受理",
    "农业机械购置补贴申请",
    "耕地地力保护补贴申领",
    "农村土地承包经营权流转合同备案",
    "农村集体经济组织成员身份确认申请",
    "退役军人优待证申领",
    "退役军人信息采集",
    "优抚对象抚恤补助申领",
    "义务兵家庭优待金申领",
    "居民户口迁移证明受理",
    "居住证申领受理",
    "无犯罪记录证明申请受理",
    "法律援助申请受理",
    "人民调解申请",
    "水电气报装一件事",
    "有线电视报装",
    "公共文化场馆免费开放预约",
    "学生资助政策咨询",
    "医疗救助申请",
    "城乡低保申请",
    "孤儿基本生活费申领",
    "事实无人抚养儿童认定申请",
    "慢性病门诊待遇认定申请",
    "异地就医备案",
    "医保关系转移接续",
    "医疗费用零星报销",
    "个人权益记录查询打印",
    "住房公积金缴存证明",
    "不动产登记资料查询",
    "地质灾害隐患报告受理",
    "安全生产举报受理",
    "森林防火宣传与火源登记",
    "农村公路养护报告受理",
    "村级代办服务预约",
]
LICENSING_BAISHA = [
    "个体工商户登记（设立）",
    "个体工商户登记（变更）",
    "个体工商户登记（注销）",
    "食品经营许可",
    "食品经营许可（变更）",
    "食品经营许可（延续）",
    "食品小作坊登记",
    "小餐饮店登记",
    "食品摊贩备案",
    "农药经营许可",
    "兽药经营许可",
    "动物防疫条件合格证核发",
    "种畜禽生产经营许可",
    "生猪定点屠宰证书核发",
    "乡村建设规划许可证核发",
    "临时占用道路审批",
    "城市建筑垃圾处置核准",
    "户外广告设施设置审批",
    "在城市道路上设置临时摊点审批",
    "砍伐城市树木审批",
    "林木采伐许可证核发",
    "占用林地审核",
    "取水许可",
    "河道采砂许可",
    "水工程建设规划同意书审核",
    "公共场所卫生许可",
    "烟草专卖零售许可证核发",
    "烟草专卖零售许可证（变更）",
    "娱乐场所经营许可",
    "互联网上网服务营业场所经营许可",
    "出版物零售单位设立",
    "道路货物运输经营许可",
    "出租汽车经营许可",
    "民办幼儿园设立审批",
    "校外培训机构设立审批",
    "医疗机构执业登记（诊所备案）",
    "再生育审批",
    "宗教活动场所筹备设立审批",
]
CONFIRMATION_POOL = [
    "农村村民宅基地资格权确认",
    "农村土地承包经营权确认",
    "最低生活保障对象认定",
    "特困人员认定",
    "低收入家庭认定",
    "残疾等级评定受理",
    "劳动能力鉴定申请受理",
    "工伤认定申请受理",
    "退役军人身份确认",
    "烈士遗属身份确认",
    "见义勇为行为确认",
    "计划生育特殊家庭确认",
    "农民专业合作社成员资格确认",
    "林权类不动产登记受理",
    "宅基地和集体建设用地使用权确权登记受理",
    "集体土地所有权确权登记受理",
    "养殖场备案",
    "农机作业合同备案",
    "动物诊疗机构备案",
    "农产品产地证明",
    "家庭农场认定",
    "新型职业农民认定",
    "高龄老人身份确认",
    "困境儿童认定",
    "居民家庭经济状况核对",
    "重度残疾人护理补贴对象认定",
    "建档立卡贫困人口身份确认",
    "临时救助对象认定",
    "退捕渔民身份确认",
    "农村留守儿童认定",
]
BENEFIT_POOL = [
    "城乡低保金给付",
    "特困人员供养金给付",
    "临时救助金给付",
    "高龄津贴给付",
    "残疾人生活补贴给付",
    "重度残疾人护理补贴给付",
    "孤儿基本生活费给付",
    "优抚对象抚恤金给付",
    "义务兵家庭优待金给付",
    "计划生育奖励扶助金给付",
    "计划生育特别扶助金给付",
    "农村五保供养金给付",
    "失业保险金给付",
    "丧葬补助金给付",
    "医疗救助金给付",
    "自然灾害生活救助给付",
    "困难群众冬春救助给付",
    "耕地地力保护补贴给付",
    "退役士兵自主就业一次性经济补助给付",
    "烈士褒扬金给付",
    "见义勇为人员奖励和补助给付",
    "农村危房改造补助给付",
]
OTHER_POOL = [
    "村（居）民委员会出具证明事项",
    "农村集体资产处置备案",
    "村规民约备案",
    "村级重大事项决策备案",
    "一事一议筹资筹劳方案审核",
    "农民负担监督卡发放",
    "集体经济组织财务公开审核",
    "安全生产事故报告受理",
    "防汛抗旱物资调用",
    "森林火灾扑救组织",
    "突发事件信息报告",
    "征兵报名初审",
]

# 尚村镇: county powers delegated to the town (肃宁县), in the articles' breakdown.
PENALTY_SUNING = [
    "对未经许可擅自从事食品生产经营活动的行政处罚",
    "对经营超过保质期食品的行政处罚",
    "对食品摊贩未按规定备案从事经营的行政处罚",
    "对生产经营不符合食品安全标准的食用农产品的行政处罚",
    "对餐饮服务提供者未按规定制定实施原料控制要求的行政处罚",
    "对在城市道路两侧擅自摆摊设点的行政处罚",
    "对擅自占用城市道路的行政处罚",
    "对擅自挖掘城市道路的行政处罚",
    "对随意倾倒、抛撒或者堆放生活垃圾的行政处罚",
    "对擅自设置户外广告设施的行政处罚",
    "对在树木、地面、建筑物上涂写刻画的行政处罚",
    "对未按规定时间、路线运输建筑垃圾的行政处罚",
    "对运输车辆沿途丢弃、遗撒渣土的行政处罚",
    "对露天焚烧秸秆、落叶等产生烟尘污染物质的行政处罚",
    "对露天烧烤食品的行政处罚",
    "对餐饮服务业油烟直排的行政处罚",
    "对施工工地未采取扬尘防治措施的行政处罚",
    "对未取得乡村建设规划许可证进行建设的行政处罚",
    "对农村村民未经批准非法占用土地建住宅的行政处罚",
    "对非法占用耕地挖砂、采石、采矿、取土的行政处罚",
    "对擅自改变林地用途的行政处罚",
    "对滥伐林木的行政处罚",
    "对在禁止放牧区域放牧的行政处罚",
    "对违规使用禁用农药的行政处罚",
    "对经营假农药、劣质农药的行政处罚",
    "对经营假、劣兽药的行政处罚",
    "对未按规定对动物进行免疫的行政处罚",
    "对随意处置病死动物的行政处罚",
    "对在河道管理范围内弃置、堆放阻碍行洪物体的行政处罚",
    "对未经批准在河道管理范围内采砂的行政处罚",
    "对擅自取用地下水的行政处罚",
    "对生产经营单位未按规定开展安全生产教育培训的行政处罚",
    "对生产经营单位未按规定设置安全警示标志的行政处罚",
    "对未按规定配备消防器材的行政处罚",
    "对占用、堵塞、封闭疏散通道、安全出口的行政处罚",
    "对未经许可经营烟草制品零售业务的行政处罚",
    "对娱乐场所接纳未成年人的行政处罚",
    "对网吧接纳未成年人的行政处罚",
    "对非法出版物经营的行政处罚",
    "对擅自饲养烈性犬只的行政处罚",
    "对犬只伤人未采取防范措施的行政处罚",
    "对燃放烟花爆竹违反规定的行政处罚",
    "对未经批准殡葬土葬、乱埋乱葬的行政处罚",
    "对用人单位未按规定建立职工名册的行政处罚",
    "对拖欠农民工工资拒不改正的行政处罚",
]
PUBLIC_SUNING = [f"{s}{a}" for s in SOCIAL_SUBJECTS[:4] for a in SOCIAL_ACTIONS[:5]] + [
    "就业创业证申领",
    "求职登记",
    "失业登记",
    "残疾人证办理",
    "高龄津贴申领",
    "临时救助申请",
    "城乡低保申请",
    "老年人优待证办理",
    "医疗救助申请",
    "异地就医备案",
    "退役军人优待证申领",
    "优抚对象抚恤补助申领",
    "法律援助申请受理",
    "人民调解申请",
    "农村危房改造申请",
    "耕地地力保护补贴申领",
    "农业机械购置补贴申请",
    "居住证申领受理",
    "无犯罪记录证明申请受理",
    "村级代办服务预约",
]
LICENSING_SUNING = [
    "个体工商户登记（设立）",
    "个体工商户登记（变更）",
    "个体工商户登记（注销）",
    "食品经营许可",
    "食品小作坊登记",
    "食品摊贩备案",
    "农药经营许可",
    "兽药经营许可",
    "动物防疫条件合格证核发",
    "乡村建设规划许可证核发",
    "临时占用道路审批",
    "户外广告设施设置审批",
    "林木采伐许可证核发",
    "取水许可",
    "公共场所卫生许可",
    "烟草专卖零售许可证核发",
    "道路货物运输经营许可",
    "民办幼儿园设立审批",
    "医疗机构执业登记（诊所备案）",
    "娱乐场所经营许可",
    "农村村民宅基地审批",
]
OTHER_SUNING = [
    "村（居）民委员会出具证明事项",
    "农村集体资产处置备案",
    "村规民约备案",
    "一事一议筹资筹劳方案审核",
    "安全生产事故报告受理",
    "防汛抗旱物资调用",
    "突发事件信息报告",
    "征兵报名初审",
    "森林火灾扑救组织",
    "农村集体经济组织财务公开审核",
]
CONFIRMATION_SUNING = CONFIRMATION_POOL[:10]
INSPECTION_SUNING = [
    "对食品经营者的监督检查",
    "对生产经营单位安全生产的监督检查",
    "对建筑施工扬尘防治的监督检查",
    "对农药经营者的监督检查",
    "对用人单位遵守劳动保障法律法规的监督检查",
]
COERCION_SUNING = [
    "查封、扣押违法经营的食品及工具设备",
    "强制拆除违法建设的建筑物、构筑物",
]

# 江津区 departments that delegated powers to 白沙镇, by item type.
JIANGJIN_SOURCES = {
    "02": "区综合行政执法局",
    "03": "区综合行政执法局",
    "06": "区市场监管局",
    "01": "区行政审批服务局",
    "07": "区农业农村委",
    "04": "区规划自然资源局",
    "20": "区人力社保局",
}
SUNING_SOURCES = {
    "02": "县综合行政执法局",
    "20": "县人力资源和社会保障局",
    "01": "县行政审批局",
    "10": "县民政局",
    "07": "县民政局",
    "06": "县市场监督管理局",
    "03": "县综合行政执法局",
}
BAISHA_HALL_DEPTS = {
    "01": "行政审批局",
    "05": "社会事务局",
    "07": "社会事务局",
    "10": "党政办公室",
    "20": "社会事务局",
}


def _cycle(pool: list[str], n: int) -> Iterator[str]:
    """``n`` distinct names from ``pool``; past its end, variants for other service channels are added."""
    variants = ["", "（村级代办）", "（网上办理）", "（邮寄办理）", "（跨区域通办）"]
    count = 0
    for variant in variants:
        for name in pool:
            if count == n:
                return
            yield f"{name}{variant}"
            count += 1
    if count < n:
        raise ValueError("name pool too small")


def _baisha_hall() -> list[tuple[str, str]]:
    """(item_type, name) × 242: 140 public services, 38 licensing, 30 confirmation, 22 benefits, 12 other."""
    social = [f"{s}{a}" for s in SOCIAL_SUBJECTS for a in SOCIAL_ACTIONS]
    public = list(_cycle(social + PUBLIC_SERVICES_BAISHA, 140))
    rows = [("20", n) for n in public]
    rows += [("01", n) for n in _cycle(LICENSING_BAISHA, 38)]
    rows += [("07", n) for n in _cycle(CONFIRMATION_POOL, 30)]
    rows += [("05", n) for n in _cycle(BENEFIT_POOL, 22)]
    rows += [("10", n) for n in _cycle(OTHER_POOL, 12)]
    return rows


def _baisha_powers() -> list[tuple[str, str, str]]:
    """(item_type, name, source department) × 173 district powers delegated to 白沙镇."""
    inspections = [f"{p.removeprefix('对').removesuffix('的行政处罚')}的监督检查" for p in PENALTY_SUNING]
    coercions = [
        "查封、扣押违法经营的食品及工具设备",
        "强制拆除违法建设的建筑物、构筑物",
        "扣押违法运输建筑垃圾的车辆",
        "查封违法排放污染物的设施设备",
        "扣押非法采砂的船舶和机具",
        "查封存在重大安全隐患的场所",
        "扣押违法占道经营的物品",
        "查封非法生产烟花爆竹的场所",
    ]
    levies = ["城市道路占用费征收", "城市生活垃圾处理费征收", "水资源费征收", "耕地开垦费征收", "森林植被恢复费征收"]
    social = [f"{s}{a}" for s in SOCIAL_SUBJECTS for a in SOCIAL_ACTIONS]
    rows: list[tuple[str, str]] = [("02", n) for n in PENALTY_SUNING]
    rows += [("06", n) for n in inspections]
    rows += [("01", f"{n}（区级下放）") for n in LICENSING_SUNING]
    rows += [("07", f"{n}（区级下放）") for n in CONFIRMATION_POOL[10:20]]
    rows += [("03", n) for n in coercions]
    rows += [("04", n) for n in levies]
    rows += [("20", f"{n}（区级下放）") for n in (social + PUBLIC_SERVICES_BAISHA)[:39]]
    return [(t, n, JIANGJIN_SOURCES[t]) for t, n in rows]


def _shangcun() -> list[tuple[str, str]]:
    rows = [("02", n) for n in PENALTY_SUNING]
    rows += [("20", n) for n in PUBLIC_SUNING]
    rows += [("01", n) for n in LICENSING_SUNING]
    rows += [("10", n) for n in OTHER_SUNING]
    rows += [("07", n) for n in CONFIRMATION_SUNING]
    rows += [("06", n) for n in INSPECTION_SUNING]
    rows += [("03", n) for n in COERCION_SUNING]
    return rows


# ---- the Ms Luo scenario ---------------------------------------------------------------------

LUO_ITEMS: list[dict[str, Any]] = [
    {
        "code": "500116108-GTGSH-0001",
        "name": "个体工商户登记",
        "item_type": "01",
        "department": "行政审批局",
        "handling_kind": HandlingKind.IMMEDIATE,
        "statutory_limit": 15,
        "promised_limit": 0,
        "risk_class": RiskClass.ENCOURAGED,
        "legal_basis": "《促进个体工商户发展条例》第八条；《中华人民共和国市场主体登记管理条例》第三条",
        "conditions": "有经营能力的公民，有固定的经营场所，经营范围不属于禁止类。",
        "result_name": "营业执照（个体工商户）",
        "channels": ("channel_online", "channel_one_visit", "channel_village_agent"),
        "materials": [("居民身份证", True, False, 1, 0), ("经营场所使用证明", True, False, 1, 0)],
    },
    {
        "code": "500116108-SPJY-0001",
        "name": "食品经营许可",
        "item_type": "01",
        "department": "行政审批局",
        "handling_kind": HandlingKind.PROMISED,
        "statutory_limit": 20,
        "promised_limit": 3,
        "risk_class": RiskClass.ENCOURAGED,
        "gap_allowed": True,
        "gap_deadline_days": 5,
        "commitment_allowed": True,
        "commitment_text": "本人承诺经营场所符合食品安全要求，所提交材料真实有效；如有虚假，愿承担撤销许可等法律责任。",
        "commitment_check_days": 30,
        "legal_basis": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》第十三条",
        "conditions": "具有与经营的食品品种、数量相适应的经营场所和设备设施，有食品安全管理人员和管理制度。",
        "result_name": "食品经营许可证",
        "channels": ("channel_online", "channel_no_visit", "channel_one_visit"),
        "materials": [
            ("营业执照", True, False, 1, 0),
            ("居民身份证", True, False, 1, 1),
            ("食品安全管理制度", False, True, 1, 0),
            ("经营场所平面布局图", False, True, 1, 0),
        ],
    },
    {
        "code": "500116108-SBDJ-0001",
        "name": "社会保险登记",
        "item_type": "20",
        "department": "社会事务局",
        "handling_kind": HandlingKind.IMMEDIATE,
        "statutory_limit": 15,
        "promised_limit": 1,
        "risk_class": RiskClass.ENCOURAGED,
        "legal_basis": "《中华人民共和国社会保险法》第五十七条、第五十八条",
        "conditions": "用人单位自成立之日起三十日内申请办理社会保险登记。",
        "result_name": "社会保险登记证明",
        "channels": ("channel_online", "channel_no_visit"),
        "materials": [("营业执照", True, False, 1, 0), ("居民身份证", True, False, 1, 0)],
    },
]


def _material_types() -> None:
    material_type_for("营业执照", certificate_satisfies=True, code="yyzz")
    material_type_for("居民身份证", certificate_satisfies=True, code="sfz")
    material_type_for("户口簿", certificate_satisfies=True, code="hkb")


def _publish_all(items: list[Item], approver: User | None, reason: str) -> None:
    """Publish the demo items that were never published (version 1 each)."""
    by_jurisdiction: dict[str, list[Item]] = {}
    for item in items:
        if item.current_version_id is None:
            by_jurisdiction.setdefault(item.jurisdiction_id, []).append(item)
    for group in by_jurisdiction.values():
        do_publish_many(group, approver=approver, reason=reason)


# Typical materials of a town hall's items (the guide lists them; applications reuse library copies).
DEFAULT_MATERIALS = {
    "01": [("申请书", True), ("居民身份证", True)],
    "05": [("申请书", True), ("居民身份证", True), ("户口簿", True), ("银行账户信息", False)],
    "07": [("申请书", True), ("居民身份证", True), ("户口簿", False)],
    "20": [("居民身份证", True), ("户口簿", False)],
    "10": [("申请书", True)],
}


def _default_materials(jurisdiction: str, items: list[Item]) -> None:
    rows = []
    for item in items:
        for n, (name, essential) in enumerate(DEFAULT_MATERIALS.get(item.item_type, [])):
            rows.append(
                Material(
                    jurisdiction_id=jurisdiction,
                    item=item,
                    material_type=material_type_for(name),
                    essential=essential,
                    copies=1 if name == "居民身份证" else 0,
                    sort=n,
                )
            )
    Material.objects.bulk_create(rows, batch_size=500)


def _bulk_items(
    jurisdiction: str, prefix: str, rows: list[tuple[str, str]], dept_for: dict[str, str], level: str, **common: Any
) -> list[Item]:
    existing = {
        i.implementation_code: i
        for i in Item.objects.filter(jurisdiction_id=jurisdiction, implementation_code__startswith=prefix)
    }
    new = []
    for n, (item_type, name) in enumerate(rows, start=1):
        code = f"{prefix}{n:04d}"
        if code in existing:
            continue
        dept_name = dept_for[item_type]
        new.append(
            Item(
                jurisdiction_id=jurisdiction,
                name=name,
                name_initials=initials(name),
                implementation_code=code,
                item_type=item_type,
                exercise_level=level,
                department=department_for(jurisdiction, dept_name),
                department_name=dept_name,
                handling_kind=HandlingKind.PROMISED if item_type == "01" else HandlingKind.IMMEDIATE,
                statutory_limit=20 if item_type == "01" else None,
                promised_limit=5 if item_type == "01" else (1 if item_type == "20" else None),
                risk_class=RiskClass.CAREFUL if item_type in ("01", "02", "03") else RiskClass.ENCOURAGED,
                channel_online=item_type in ("20", "05"),
                channel_one_visit=item_type in ("01", "20", "07", "05"),
                channel_village_agent=item_type in ("20", "05", "07"),
                source="demo",
                **common,
            )
        )
    Item.objects.bulk_create(new, batch_size=200)
    _default_materials(jurisdiction, [i for i in new if i.pk is not None])
    return list(Item.objects.filter(jurisdiction_id=jurisdiction, implementation_code__startswith=prefix))


def _delegations(
    items: list[Item], source_jurisdiction: str, sources: list[str], document: tuple[str, datetime.date]
) -> int:
    have = set(Delegation.objects.filter(item__in=items).values_list("item_id", flat=True))
    new = []
    for item, dept in zip(items, sources, strict=False):
        if item.pk in have:
            continue
        new.append(
            Delegation(
                jurisdiction_id=item.jurisdiction_id,
                item=item,
                from_jurisdiction_id=source_jurisdiction,
                from_department=department_for(source_jurisdiction, dept),
                from_department_name=dept,
                mode=DelegationMode.ENTRUST if item.item_type in ("02", "03", "04", "06") else DelegationMode.AUTHORISE,
                document_number=document[0],
                document_date=document[1],
            )
        )
    Delegation.objects.bulk_create(new, batch_size=200)
    return len(new)


def _ensure_divisions() -> None:
    if Jurisdiction.objects.filter(code__in=[BAISHA, SHANGCUN, "420703101"]).count() != 3:
        from township.core.demo import seed_jurisdictions

        seed_jurisdictions()


def _luo_items(approver: User | None) -> list[Item]:
    out = []
    for spec in LUO_ITEMS:
        item = Item.objects.filter(jurisdiction_id=BAISHA, implementation_code=spec["code"]).first()
        if item is None:
            item = Item(
                jurisdiction_id=BAISHA,
                implementation_code=spec["code"],
                name=spec["name"],
                item_type=spec["item_type"],
                exercise_level=ExerciseLevel.TOWN,
                implementing_body="江津区白沙镇人民政府",
                department=department_for(BAISHA, spec["department"]),
                department_name=spec["department"],
                handling_kind=spec["handling_kind"],
                statutory_limit=spec["statutory_limit"],
                promised_limit=spec["promised_limit"],
                risk_class=spec["risk_class"],
                gap_allowed=spec.get("gap_allowed", False),
                gap_deadline_days=spec.get("gap_deadline_days"),
                commitment_allowed=spec.get("commitment_allowed", False),
                commitment_text=spec.get("commitment_text", ""),
                commitment_check_days=spec.get("commitment_check_days"),
                legal_basis=spec["legal_basis"],
                conditions=spec["conditions"],
                result_name=spec["result_name"],
                service_objects=["1", "2"],
                handling_forms=["1", "2", "3"],
                place=HALL_PLACE,
                hours=HALL_HOURS,
                phone_consult="023-47xxxxxx",
                phone_supervise="12345",
                responsible_department=department_for(BAISHA, spec["department"]),
                responsible_section="综合窗口",
                responsible_user=approver,
                source="demo",
                **dict.fromkeys(spec["channels"], True),
            )
            validate_item(item)
            item.save()
            for n, (mname, essential, may_be_missing, originals, copies) in enumerate(spec["materials"]):
                Material.objects.create(
                    jurisdiction_id=BAISHA,
                    item=item,
                    material_type=material_type_for(mname),
                    essential=essential,
                    may_be_missing=may_be_missing,
                    originals=originals,
                    copies=copies,
                    sort=n,
                )
        out.append(item)
    return out


@transaction.atomic
def seed(stdout: Any) -> None:
    _ensure_divisions()
    _material_types()
    grant = RoleGrant.objects.filter(jurisdiction_id=BAISHA, role=Role.APPROVAL_HEAD).select_related("user").first()
    approver = grant.user if grant else None

    luo = _luo_items(approver)
    # The hall catalog: 242 items in all (the three above + 239 more).
    hall_rows = [r for r in _baisha_hall() if r[1] not in {i.name for i in luo}][: 242 - len(luo)]
    hall = _bulk_items(
        BAISHA, "500116108-BM-", hall_rows, BAISHA_HALL_DEPTS, ExerciseLevel.TOWN, place=HALL_PLACE, hours=HALL_HOURS
    )
    powers_spec = _baisha_powers()
    powers = _bulk_items(
        BAISHA,
        "500116108-QX-",
        [(t, n) for t, n, _s in powers_spec],
        {
            **dict.fromkeys(["02", "03", "04", "06"], "综合行政执法局"),
            "01": "行政审批局",
            "07": "农业农村服务局",
            "20": "社会事务局",
        },
        ExerciseLevel.COUNTY,
    )
    powers.sort(key=lambda i: i.implementation_code)
    n_baisha = _delegations(
        powers, JIANGJIN, [s for _t, _n, s in powers_spec], ("江津府发〔2020〕15号", datetime.date(2020, 6, 30))
    )
    _publish_all([*luo, *hall, *powers], approver, "演示数据：首次发布")

    shangcun_rows = _shangcun()
    shangcun = _bulk_items(SHANGCUN, "130926103-XQ-", shangcun_rows, SUNING_SOURCES, ExerciseLevel.COUNTY)
    shangcun.sort(key=lambda i: i.implementation_code)
    sources = [SUNING_SOURCES[t] for t, _n in shangcun_rows]
    n_shangcun = _delegations(shangcun, SUNING, sources, ("肃政字〔2021〕8号", datetime.date(2021, 3, 1)))
    _publish_all(shangcun, None, "演示数据：首次发布")

    from township.catalog.gedian import GEDIAN, seed_gedian

    if Jurisdiction.objects.filter(code=GEDIAN).exists():
        seed_gedian(stdout)
    reg, food, social = luo
    if not ThemeItem.objects.filter(
        jurisdiction_id=BAISHA, theme__jurisdiction_id=BAISHA, theme__code="kaiban-xiaocanyin"
    ).exists():
        _theme(BAISHA, "kaiban-xiaocanyin", "开办小餐饮店", [reg, food, social])
        shop = [reg, social]
        _theme(BAISHA, "kaiban-xiaoshangdian", "开办小商店", shop)
    stdout.write(
        f"catalog: 白沙镇 {len(luo) + len(hall)} hall items + {len(powers)} district powers "
        f"({n_baisha} delegations new); 尚村镇 {len(shangcun)} county powers ({n_shangcun} delegations new)"
    )


def _theme(jurisdiction: str, code: str, name: str, items: list[Item]) -> None:
    do_theme_save(
        jurisdiction=jurisdiction,
        code=code,
        name=name,
        items=items,
        description="一次告知、一表申请、一窗受理，材料只交一次。",
    )
