"""Word pools of the demo data (see sample_data.py): Baoji's places, enterprise names, products,
licences, findings and people. Tuples and dicts, never sets, so the output is deterministic.

sample_data.py writes these strings into JSON unescaped: none may hold a quote, a backslash or a
control character (tests/ingest/test_sample_data.py checks).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from portal.domain import COMPLAINT_CHANNELS, DISTRICTS, INDUSTRIES

_T = TypeVar("_T")


def _bag(items: Sequence[_T], weights: Sequence[int]) -> tuple[_T, ...]:
    """Items repeated by weight, so a uniform pick is a weighted one."""
    return tuple(item for item, w in zip(items, weights, strict=True) for _ in range(w))


TITANIUM = "有色金属(钛及钛合金)"

# USCC characters 3–8: the administrative division of the registering authority.
DIVISION_CODES = {
    "金台区": "610303", "渭滨区": "610302", "陈仓区": "610304", "凤翔区": "610305",
    "岐山县": "610323", "扶风县": "610324", "眉县": "610326", "陇县": "610327",
    "千阳县": "610328", "麟游县": "610329", "凤县": "610330", "太白县": "610331",
    "高新区": "610300",
}  # fmt: skip

# Roads, towns and parks per district, for addresses like 宝鸡市渭滨区高新大道88号.
STREETS = {
    "金台区": ("金台大道", "东风路", "宝福路", "西宝北路", "卧龙寺路", "蟠龙镇工业园"),
    "渭滨区": ("经二路", "清姜路", "姜谭路", "神农路", "石鼓路", "高新大道", "马营镇钛产业园"),
    "陈仓区": ("陈仓大道", "虢镇东大街", "阳平镇工业园", "千河镇工业园", "西虢大道"),
    "凤翔区": ("雍城东路", "东湖路", "长青镇工业园", "柳林镇"),
    "岐山县": ("蔡家坡经济技术开发区东二路", "凤鸣镇周公路", "蔡家坡镇渭阳路", "益店镇"),
    "扶风县": ("绛帐镇工业园", "法门镇", "城关镇美阳街", "杏林镇"),
    "眉县": ("常兴镇工业园", "首善镇平阳街", "汤峪镇"),
    "陇县": ("城关镇东大街", "东风镇工业园"),
    "千阳县": ("城关镇中心街", "南寨镇工业园"),
    "麟游县": ("九成宫镇", "招贤镇工业园"),
    "凤县": ("双石铺镇凤州路", "凤州镇工业园"),
    "太白县": ("嘴头镇", "咀头镇东街"),
    "高新区": ("高新大道", "高新四路", "高新十路", "科技新城", "钛谷大道", "马营工业园"),
}

# Where the firms are (per DISTRICTS): titanium clusters in the high-tech zone and 渭滨/陈仓.
DISTRICT_BAG = _bag(DISTRICTS, (16, 18, 14, 8, 9, 6, 6, 3, 3, 2, 3, 2, 10))
TITANIUM_DISTRICT_BAG = _bag(DISTRICTS, (8, 25, 15, 2, 3, 1, 2, 0, 0, 0, 1, 0, 43))
SCALE_BAG = _bag(("large", "medium", "small", "micro"), (2, 10, 38, 50))
# Mean units of special equipment and of measuring instruments per enterprise, by scale.
EQUIPMENT_MEAN = {"large": 10.0, "medium": 4.0, "small": 1.6, "micro": 0.6}
INSTRUMENT_MEAN = {"large": 12.0, "medium": 5.0, "small": 2.2, "micro": 1.2}
CHANNEL_BAG = _bag([str(c) for c in COMPLAINT_CHANNELS], (50, 15, 15, 20))

NAME_PREFIXES = ("宝鸡市", "宝鸡市", "宝鸡市", "陕西", "宝鸡", "宝鸡", "陕西宝鸡")
# 字号: two-character words, and characters that combine into three-character ones (鹏盛鑫).
TRADE_WORDS = (
    "秦川", "渭河", "金台", "西岐", "周原", "炎帝", "陈仓", "凤鸣", "太白", "华秦", "宏远",
    "恒通", "鑫达", "力创", "众鑫", "润泽", "嘉瑞", "天力", "鼎盛", "永昌", "瑞丰", "秦岭",
    "石鼓", "雍城", "岐丰", "龙泉", "汇丰", "渭水", "祥和", "兴盛", "泰和", "金鼎", "华鑫",
    "宝通", "宏达", "金渭", "德润", "安泰", "长青", "鸿运", "新秦", "博远", "东岭", "天成",
    "利源", "晨光", "峰火", "九龙", "银河", "凤岭", "启明", "嘉禾", "金诚", "聚力", "宇航",
)  # fmt: skip
TRADE_CHARS = (  # 119 distinct: 119·118² three-character 字号, enough for 1.6 million firms
    "鹏盛鑫威利华宏泰昌达恒通瑞祥丰源兴隆鼎金佳宇辰凯信诚永康和福旺振晟航博锐峰德润安嘉禾天力"
    "远鸿海川秦岐周雍汇聚晨星立创新益贤明光正元亨豪俊腾跃翔龙麒骏辉耀阳春冠群英杰卓越精工艺美"
    "雅韵乐宁顺吉庆富昊晖灿炜铭锦绣宸钰琪瑾璟坤乾亿万汉唐景盈浩瀚洲"
)
TITANIUM_TRADE_WORDS = ("钛谷", "钛都", "钛源", "钛城", "力钛", "钛鑫", "钛宇", "钛盛")

# Industry word(s) of the name, and whether that trade is a textile one (fibre inspection).
INDUSTRY_WORDS = {
    "汽车及零部件": ("汽车零部件", "汽车配件", "专用汽车", "重型汽车配件", "齿轮", "车桥"),
    "机床工具": ("机床", "精密机床", "机床附件", "工具", "数控机床", "刀具", "模料模具"),
    "电子仪器仪表": ("仪器仪表", "电子科技", "测控技术", "电气", "自动化仪表", "传感器"),
    "石油装备": ("石油机械", "石油装备", "钻采设备", "石油钢管", "抽油设备"),
    TITANIUM: ("有色金属", "钛业", "钛材", "钛制品", "稀有金属材料", "新材料科技", "钛合金"),
    "烟酒食品": ("酒业", "食品", "面业", "调味品", "饮品", "醋业"),
    "新型建材": ("水泥", "新型建材", "建材", "墙体材料", "混凝土"),
    "生物医药": ("制药", "药业", "生物科技", "医药"),
    "其他": ("纺织", "服装", "针织", "印刷", "包装", "化工", "塑料制品", "机械", "电力设备"),
}
TEXTILE_WORDS = ("纺织", "服装", "针织")
INDUSTRY_BAG = _bag(INDUSTRIES, (11, 10, 8, 6, 11, 13, 10, 6, 25))  # titanium about 10%


class ProductKind(NamedTuple):
    name: str
    category: str
    standard: str | None
    endangers: bool  # a failure would endanger health or safety


def _p(names: str, category: str, standards: str, endangers: bool = False) -> list[ProductKind]:
    stds = [s if s != "-" else None for s in standards.split("|")]
    pairs = zip(names.split("|"), stds, strict=True)
    return [ProductKind(name, category, std, endangers) for name, std in pairs]


PRODUCTS: dict[str, tuple[ProductKind, ...]] = {
    "汽车及零部件": tuple(_p("钢板弹簧|汽车制动器衬片|汽车齿轮|离合器总成|驱动桥总成|传动轴",
                          "汽车零部件", "GB/T 19844|GB 5763|QC/T 533|QC/T 27|QC/T 533|QC/T 29082",
                          True)),
    "机床工具": tuple(_p("数控车床|普通车床|外圆磨床|齿轮加工机床|三爪卡盘|硬质合金刀具|注塑模具",
                      "机床工具", "GB/T 25659.1|GB/T 4020|GB/T 4685|JB/T 3991|GB/T 4346|-|-")),
    "电子仪器仪表": tuple(_p("压力变送器|智能电能表|电磁流量计|温度变送器|数字多用表",
                        "仪器仪表", "JB/T 6170|GB/T 17215.321|JB/T 9248|JB/T 8209|-")),
    "石油装备": tuple(_p("游梁式抽油机|石油钻机|井口装置和采油树|抽油杆|石油套管",
                      "石油装备", "SY/T 5044|SY/T 5609|GB/T 22513|SY/T 5029|GB/T 19830", True)),
    TITANIUM: tuple(_p("钛棒|钛板|钛管|钛合金锻件|钛丝|钛及钛合金带材|海绵钛|钛靶材",
                       "有色金属材料",
                       "GB/T 2965|GB/T 3621|GB/T 3624|GB/T 25137|GB/T 3623|GB/T 3622|GB/T 2524|-")),
    "烟酒食品": tuple(_p("凤香型白酒|浓香型白酒|挂面|酿造食醋|食用植物油|辣椒酱|饮料",
                      "食品", "GB/T 14867|GB/T 10781.1|GB/T 40636|GB/T 18187|GB 2716|-|GB 7101",
                      True)),
    "新型建材": tuple(_p("通用硅酸盐水泥|蒸压加气混凝土砌块|烧结多孔砖|预拌混凝土|防水卷材",
                      "建筑材料", "GB 175|GB/T 11968|GB 13544|GB/T 14902|GB 18242", True)),
    "生物医药": tuple(_p("中药饮片|片剂|胶囊剂|颗粒剂|口服液", "药品", "-|-|-|-|-", True)),
    "其他": tuple(_p("纸箱|塑料编织袋|电线电缆|工业用硫酸|农用机械配件",
                   "其他工业产品", "GB/T 6543|GB/T 8946|GB/T 5023|GB/T 534|-")),
}
TITANIUM_GRADES = ("TA1", "TA2", "TC4", "TA10", "TC11", "")
TEXTILE_PRODUCTS = tuple(_p("棉纱|针织内衣|学生校服|床上用品|絮用纤维制品", "纺织品",
                            "FZ/T 12001|GB/T 8878|GB/T 31888|FZ/T 62011|GB 18383", True))

FAILED_ITEMS = {
    "汽车及零部件": ("硬度", "疲劳寿命", "尺寸偏差", "标志"),
    "机床工具": ("几何精度", "电气安全", "噪声", "标志"),
    "电子仪器仪表": ("基本误差", "绝缘电阻", "电磁兼容", "标志"),
    "石油装备": ("抗拉强度", "硬度", "螺纹参数", "无损检测"),
    TITANIUM: ("抗拉强度", "规定塑性延伸强度", "断后伸长率", "化学成分(铁含量)", "超声波探伤"),
    "烟酒食品": ("酒精度", "标签标识", "总酸", "菌落总数", "甜蜜素", "固形物"),
    "新型建材": ("3天抗压强度", "28天抗压强度", "安定性", "氯离子", "初凝时间"),
    "生物医药": ("含量测定", "溶出度", "微生物限度", "标签标识"),
    "其他": ("标签标识", "尺寸偏差", "外观质量", "抗拉强度"),
    "纺织品": ("纤维含量", "甲醛含量", "pH值", "耐水色牢度", "使用说明"),
}

# (licence kind, issuing level, scope) per industry; numbers are formatted in sample_data.
LICENCES = {
    "汽车及零部件": (("工业产品生产许可证", "省", "汽车制动器衬片"),),
    "机床工具": (("工业产品生产许可证", "省", "金属切削机床"),),
    "电子仪器仪表": (("制造计量器具许可证", "省", "压力仪表、电能表"),),
    "石油装备": (("特种设备制造许可证", "国家", "压力容器(A2级)"),
             ("工业产品生产许可证", "省", "石油钻采设备")),
    TITANIUM: (("特种设备制造许可证", "国家", "压力管道元件(钛及钛合金管)"),
               ("工业产品生产许可证", "省", "钛及钛合金加工材")),
    "烟酒食品": (("食品生产许可证", "市", "酒类、粮食加工品、调味品"),
             ("工业产品生产许可证", "省", "食品相关产品")),
    "新型建材": (("工业产品生产许可证", "省", "水泥、建筑防水卷材"),),
    "生物医药": (("药品生产许可证", "省", "片剂、胶囊剂、颗粒剂"),),
    "其他": (("工业产品生产许可证", "省", "电线电缆、危险化学品、塑料编织袋"),),
}

# Special equipment: (kind, Chinese model words, registration character, inspection period in
# days, operator category).
EQUIPMENT = (
    ("crane", ("LDA型电动单梁桥式起重机", "QD型双梁桥式起重机", "行吊", "MH型电动葫芦门式起重机"),
     "起", 730, "起重机司机"),
    ("crane", ("行车", "CD1型电动葫芦"), "起", 730, "起重机指挥"),
    ("forklift", ("CPCD30内燃平衡重式叉车", "CPD15蓄电池叉车"), "车", 365, "叉车司机"),
    ("boiler", ("WNS2-1.25-Y燃气蒸汽锅炉", "DZL4-1.25-AII燃煤锅炉"), "锅", 365, "工业锅炉司炉"),
    ("pressure_vessel", ("储气罐", "真空退火炉储罐", "快开门式蒸压釜"), "容", 1095,
     "快开门式压力容器操作"),
    ("pressure_piping", ("工业蒸汽管道", "天然气管道"), "管", 1095, "特种设备安全管理员"),
    ("lift", ("曳引式客梯", "载货电梯"), "梯", 365, "电梯安全管理员"),
)
# Fictitious makers per kind: the demo names no real manufacturer.
EQUIPMENT_MAKERS = {
    "crane": ("中原起重机械有限公司", "陕西起重设备有限公司", "华北重型机械股份有限公司"),
    "forklift": ("东方叉车有限责任公司", "江南叉车集团股份有限公司"),
    "boiler": ("西北锅炉有限公司", "秦川锅炉制造有限公司"),
    "pressure_vessel": ("关中压力容器制造有限公司", "西北化工设备有限公司"),
    "pressure_piping": ("关中压力容器制造有限公司", "陕西管道工程有限公司"),
    "lift": ("华西电梯有限公司", "长安电梯股份有限公司"),
}
EQUIPMENT_BAG = _bag(EQUIPMENT, (35, 10, 25, 8, 15, 3, 4))
EQUIPMENT_LOCATIONS = ("一号车间", "二号车间", "熔炼车间", "锻造车间", "锅炉房", "成品库房",
                       "办公楼", "装配车间", "原料场")

# Measuring instruments: (name, mandatory verification).
INSTRUMENTS = (
    ("电子台秤", True), ("电子汽车衡", True), ("压力表", True), ("加油机", True),
    ("酒精计", True), ("砝码", True), ("游标卡尺", False), ("千分尺", False),
    ("万能材料试验机", False), ("数显温度计", False), ("布氏硬度计", False),
)  # fmt: skip

INSPECTING_BODIES = ("宝鸡市产品质量监督检验所", "陕西省产品质量监督检验研究院",
                     "宝鸡市质量技术检验检测中心", "宝鸡市钛及钛合金产品质量检验中心")
FIBRE_BODY = "宝鸡市纤维检验所"

# Rectification items (the article's findings).
NOTICE_ITEMS = (
    "特种设备未按期进行定期检验", "起重机械无制造单位信息及出厂技术资料",
    "特种设备未办理安装告知及使用登记备案", "强制检定计量器具未按期检定",
    "特种设备作业人员未持证上岗", "产品标识标注不规范", "生产许可证到期未申请延续",
    "质量管理制度不健全,无出厂检验记录", "原材料进货查验记录不全",
)  # fmt: skip
VIOLATIONS = (
    ("生产销售不合格产品", True), ("无证生产列入许可证目录的产品", False),
    ("使用未经检验或检验不合格的特种设备", True), ("伪造产品产地、冒用他人厂名厂址", False),
    ("拒不执行责令整改通知书", False), ("使用未经检定的强制检定计量器具", False),
    ("在产品中掺杂掺假、以次充好", True),
)  # fmt: skip
PENALTIES = ("警告", "罚款人民币5000元", "罚款人民币2万元,没收违法所得",
             "罚款人民币5万元,没收不合格产品", "责令停产整顿,罚款人民币10万元")

COMPLAINT_SUMMARIES = {
    "public_complaint": ("消费者反映购买的{p}存在质量问题", "群众举报该企业使用未检验的行车",
                         "群众举报该企业生产的{p}无中文标识"),
    "media_report": ("宝鸡日报报道该企业{p}以次充好", "电视台《质量在线》栏目曝光该企业{p}"),
    "higher_authority_notice": ("陕西省局监督抽查通报:{p}不合格",
                                "国家总局督查通报转办:{p}质量问题"),
    "enforcement_inspection": ("执法检查发现{p}标识不规范", "执法检查发现强制检定计量器具超期未检"),
}
COMPLAINT_OUTCOMES = (("经调查属实,已责令企业整改", True), ("经核查,反映问题不属实", False),
                      ("经调解,企业已为消费者退换货", True), ("移交执法机构立案查处", True))

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕"
            "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史")
GIVEN_CHARS = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌宁红玉兰志鹏飞宏亮"
               "海波晓东晶雪琳浩宇博鑫婷欣怡立新秋云峰辉锋荣")
# Bureau staff who vet records for publication.
STAFF = ("李明", "王芳", "张卫东", "赵丽", "刘洋", "陈静", "杨帆", "周敏", "吴强", "孙娜",
         "马晓红", "郭建华")

# Licence issuers by level, (before 2018, from 2018: the market regulation reform).
ISSUERS = {
    "国家": ("国家质量监督检验检疫总局", "国家市场监督管理总局"),
    "省": ("陕西省质量技术监督局", "陕西省市场监督管理局"),
    "市": ("宝鸡市质量技术监督局", "宝鸡市市场监督管理局"),
}
# (title after the enterprise's name, reason) of a bad record: a red warning, an unrectified
# notice, a failed sampling; {p} is a product.
BAD_RECORD_REASONS = (
    ("特种设备超期未检验", "红色预警升级为不良信息:在用特种设备超过检验有效期仍未申报定期检验"),
    ("逾期未按责令整改通知书整改", "责令整改期限届满仍未整改,转入执法程序"),
    ("{p}监督抽查不合格", "监督抽查不合格,涉及人身健康安全"),
)

# What a firm makes follows the word in its name (a 酒业 makes liquor); words not listed make any
# product of their industry.
_WORD_PRODUCTS = {
    "齿轮": "汽车齿轮", "车桥": "驱动桥总成|传动轴", "刀具": "硬质合金刀具", "模料模具": "注塑模具",
    "机床附件": "三爪卡盘", "石油钢管": "石油套管|抽油杆", "抽油设备": "游梁式抽油机|抽油杆",
    "酒业": "凤香型白酒|浓香型白酒", "面业": "挂面", "醋业": "酿造食醋",
    "调味品": "酿造食醋|辣椒酱",
    "饮品": "饮料", "水泥": "通用硅酸盐水泥", "混凝土": "预拌混凝土|蒸压加气混凝土砌块",
    "墙体材料": "蒸压加气混凝土砌块|烧结多孔砖", "纺织": "棉纱|床上用品|絮用纤维制品",
    "服装": "学生校服|针织内衣", "针织": "针织内衣", "印刷": "纸箱", "包装": "纸箱|塑料编织袋",
    "化工": "工业用硫酸", "塑料制品": "塑料编织袋", "机械": "农用机械配件", "电力设备": "电线电缆",
}  # fmt: skip
_BY_NAME = {kind.name: kind for kinds in (*PRODUCTS.values(), TEXTILE_PRODUCTS) for kind in kinds}
PRODUCT_POOLS = {
    word: tuple(_BY_NAME[n] for n in _WORD_PRODUCTS[word].split("|"))
    if word in _WORD_PRODUCTS else PRODUCTS[industry]
    for industry, words in INDUSTRY_WORDS.items()
    for word in words
}

# The article's two enterprises: 鹏盛鑫's three problems (the third rectified at once) and 威利's.
PENGSHENGXIN_ITEMS = (
    ("使用的行吊无生产厂方任何信息,无安装备案记录", False),
    ("行车未按期进行定期检验,操作人员未持证上岗", False),
    ("强制检定计量器具(电子台秤)未按期检定", True),
)
WEILI_ITEMS = (("叉车未办理使用登记手续", True), ("产品标识标注不规范", True))
ADDRESSES = ("宝鸡市渭滨区马营镇钛产业园18号", "宝鸡市高新区高新十路19号")
